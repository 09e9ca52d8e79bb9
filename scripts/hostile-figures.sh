#!/usr/bin/env bash
# A hostile family against the daemon: runs it with the momentum family and one family of tests/plugins/Hostile
# (default stderr_flood: a background thread writing 1 MiB chunks to standard error, never a newline) and prints the
# host's resident memory, the cycles done and the family's worker kills over time, then the host's idle and peak RSS.
# The family attacks from its 60th cycle (idle RSS is read at cycle 20, the attack starts about 2 s later); host.worker_output as in the
# golden config unless FLOOD_SECONDS is set.
# Usage: scripts/hostile-figures.sh [family] [seconds] [Debug|Release]
#   family: stderr_flood | stdout_flood | huge_frame | protocol_garbage
set -euo pipefail
cd "$(dirname "$0")/.."
family=${1:-stderr_flood}
seconds=${2:-60}
configuration=${3:-Debug}
dotnet build host -c "$configuration" -v quiet -nologo >/dev/null
work=$(mktemp -d)
pid=
trap '[[ -n "$pid" ]] && kill "$pid" 2>/dev/null; [[ -n "${KEEP:-}" ]] || rm -rf "$work"' EXIT
dotnet build tests/plugins/Hostile -c "$configuration" -v quiet -nologo >/dev/null
mkdir -p "$work/plugins"
cp -r "tests/plugins/Hostile/bin/$configuration/net10.0" "$work/plugins/Hostile"
cp -r "host/bin/$configuration/net10.0/plugins/Momentum" "$work/plugins/"
flood=
[[ -n "${FLOOD_SECONDS:-}" ]] && flood="  worker_output: {flood_seconds: $FLOOD_SECONDS}"
cat > "$work/golden.yaml" <<YAML
host:
  cycle_interval: 50ms
  heartbeat_interval: 200ms
  family_timeout: 300ms
  quarantine_after: 2
  quarantine_backoff: 1s
  plugins_dir: $work/plugins
  runtime_dir: $work/runtime
  http: {listen: "127.0.0.1:0"}
$flood
market:
  sample: {symbols: 60}
families:
  momentum: {weight: 0.5, timeout: 60s}
  $family: {weight: 0.5, attack_from: 60}
YAML
rss_mb() { awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }
cycles() { grep -o '"Cycles":[0-9]*' "$work/runtime/logs/live.jsonl" 2>/dev/null | tail -1 | cut -d: -f2 || true; }
kills() { grep -c "Family $family failed" "$work/runtime/logs/errors.jsonl" 2>/dev/null || true; }
dropped() {
  local listen
  listen=$(grep -o '"listen": *"[^"]*"' "$work/runtime/daemon.json" 2>/dev/null | sed 's/.*"\([^"]*\)"$/\1/')
  [[ -n "$listen" ]] && curl -s "http://$listen/metrics" | awk -v f="family=\"$family\"" 'index($0, "alphahost_worker_output_dropped_bytes_total{") == 1 && index($0, f) { printf "%.0f", $NF }'
}

dotnet "host/bin/$configuration/net10.0/alphahost.dll" run --config "$work/golden.yaml" >"$work/daemon.out" 2>&1 &
pid=$!
until [[ "$(cycles)" -ge 20 ]]; do sleep 0.2; kill -0 "$pid" 2>/dev/null || { echo "the daemon exited:" >&2; tail -5 "$work/daemon.out" >&2; exit 1; }; done
idle=$(rss_mb "$pid") peak=$idle
[[ -n "${KEEP:-}" ]] && echo "work folder: $work"
echo "family $family; host idle RSS ${idle} MB at cycle $(cycles); machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((t = 0; t <= seconds; t++)); do
  rss=$(rss_mb "$pid")
  ((rss > peak)) && peak=$rss
  ((t % 5 == 0)) && echo "t=${t}s host_rss_mb=$rss cycles=$(cycles) worker_kills=$(kills) dropped_bytes=$(dropped)"
  sleep 1
done
kill -TERM "$pid"
wait "$pid" && code=0 || code=$?
pid=
echo "host RSS: idle ${idle} MB, peak ${peak} MB (+$((peak - idle)) MB) under $seconds s of $family; daemon exit code $code"
grep -o "Family $family failed[^\"]*" "$work/runtime/logs/errors.jsonl" | sort -u -t: -k2 | head -3 || true
