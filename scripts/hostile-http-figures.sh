#!/usr/bin/env bash
# What a local user's connection flood costs the daemon: starts it on the sample market with host.http.max_connections
# MAX (default 128; a large value shows the daemon without a limit), opens CONNECTIONS idle loopback connections
# (default 20000, as many as the shell's descriptor limit allows) and holds them SECONDS, then closes them. Prints the
# daemon's open descriptors before, at peak and after the flood, the cycles it completed during the flood, whether
# /api/status answered afterwards, and its exit code on SIGTERM (0 expected; 70 was the loop faulting on EMFILE).
# Loopback only. Not asserted anywhere (HostileClientTests asserts the bounded version).
# Usage: scripts/hostile-http-figures.sh [Release|Debug] [connections] [seconds] [max_connections] [cycle_interval]
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=${1:-Release}
connections=${2:-20000}
seconds=${3:-10}
max=${4:-128}
interval=${5:-20ms}
command -v jq >/dev/null && command -v curl >/dev/null && command -v python3 >/dev/null || { echo "needs jq, curl and python3" >&2; exit 2; }
dotnet build host -c "$configuration" -v quiet -nologo >/dev/null
host_dll="host/bin/$configuration/net10.0/alphahost.dll"
work=$(mktemp -d)
daemon=
cleanup() { [[ -n $daemon ]] && kill "$daemon" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

sed -e "s/cycle_interval: 1s/cycle_interval: $interval/" -e 's/heartbeat_interval: 30s/heartbeat_interval: 1s/' \
    -e 's/listen: 127.0.0.1:9464/listen: 127.0.0.1:0/' -e "s/max_connections: 128 /max_connections: $max /" \
    -e "s|runtime_dir: ../runtime|runtime_dir: $work/runtime|" configs/golden_config.yaml > "$work/golden.yaml"
dotnet "$host_dll" run --config "$work/golden.yaml" >"$work/stdout" 2>"$work/stderr" &
daemon=$!
until [[ $(jq -r '.http.state // empty' "$work/runtime/daemon.json" 2>/dev/null) == listening && $(jq -r '.cycle' "$work/runtime/daemon.json") -gt 2 ]]; do
  kill -0 "$daemon" 2>/dev/null || { echo "daemon exited at start" >&2; cat "$work/stderr" >&2; exit 1; }
  sleep 0.2
done
addr=$(jq -r .http.listen "$work/runtime/daemon.json")
fds() { ls "/proc/$daemon/fd" 2>/dev/null | wc -l; }
cycles() { jq -r .cycle "$work/runtime/daemon.json" 2>/dev/null || echo 0; }
before=$(fds)
cycles_before=$(cycles)

python3 - "$addr" "$connections" "$seconds" "$daemon" >"$work/flood" <<'EOF'
import os, resource, socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
count, seconds, pid = int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
held, peak = [], 0
def fds():
    try: return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError: return 0
for i in range(count):
    try:
        held.append(socket.create_connection((host, int(port)), timeout=2))
    except OSError:
        break
    if i % 500 == 0: peak = max(peak, fds())
end = time.monotonic() + seconds
while time.monotonic() < end:
    peak = max(peak, fds()); time.sleep(0.2)
print(len(held), peak)
for s in held: s.close()
EOF
read -r opened peak <"$work/flood"
cycles_after_flood=$(cycles)
sleep 2
status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://$addr/api/status" || true)
after=$(fds)
kill -TERM "$daemon" 2>/dev/null || true
set +e; wait "$daemon"; code=$?; set -e
daemon=
critical=$(grep -c '"level":"CRITICAL"' "$work/runtime/logs/live.jsonl" || true)
echo "max_connections=$max connections_opened=$opened held_s=$seconds cycle_interval=$interval on $(nproc) cores"
echo "daemon_fds before=$before peak=$peak after=$after"
echo "cycles during_flood=$((cycles_after_flood - cycles_before)) status_after_flood=${status:-none} exit_code=$code critical_lines=$critical"
