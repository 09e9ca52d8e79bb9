#!/usr/bin/env bash
# Cost of the HTTP endpoint on the cycle: the daemon over the 500-symbol sample market with the three shipped families,
# no pause between cycles (or cycle_interval), run alternately with host.http off and on (on: two clients following /api/signals/stream
# and /metrics scraped every second), ROUNDS times each. Prints the final heartbeat's p50/p99 (last 1,024 cycles) of each
# run. Not asserted anywhere: a 2-core machine shared with other work makes single runs noisy.
# Usage: scripts/bench-http.sh [Release|Debug] [cycles] [rounds] [cycle_interval]
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=${1:-Release}
cycles=${2:-2000}
rounds=${3:-2}
interval=${4:-0ms}
command -v jq >/dev/null && command -v curl >/dev/null || { echo "needs jq and curl" >&2; exit 2; }
dotnet build host -c "$configuration" -v quiet -nologo >/dev/null
host_dll="host/bin/$configuration/net10.0/alphahost.dll"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

run() {
  local mode=$1 dir="$work/$1-$2"
  mkdir -p "$dir"
  sed -e "s/cycle_interval: 1s/cycle_interval: $interval/" -e 's/heartbeat_interval: 30s/heartbeat_interval: 2s/' \
      -e "s/enabled: true           # \/metrics/enabled: $([[ $mode == on ]] && echo true || echo false)  # \/metrics/" \
      -e 's/listen: 127.0.0.1:9464/listen: 127.0.0.1:0/' \
      -e "s|runtime_dir: ../runtime|runtime_dir: $dir/runtime|" configs/golden_config.yaml > "$dir/golden.yaml"
  dotnet "$host_dll" run --config "$dir/golden.yaml" --cycles "$cycles" >/dev/null &
  local daemon=$!
  pids=("$daemon")
  if [[ $mode == on ]]; then
    until [[ $(jq -r '.http.state // empty' "$dir/runtime/daemon.json" 2>/dev/null) == listening ]]; do sleep 0.1; done
    local addr
    addr=$(jq -r .http.listen "$dir/runtime/daemon.json")
    curl -sN "http://$addr/api/signals/stream" >/dev/null 2>&1 & pids+=($!)
    curl -sN "http://$addr/api/signals/stream" >/dev/null 2>&1 & pids+=($!)
    (while kill -0 "$daemon" 2>/dev/null; do curl -s "http://$addr/metrics" >/dev/null 2>&1 || true; sleep 1; done) & pids+=($!)
  fi
  wait "$daemon"
  for p in "${pids[@]:1}"; do kill "$p" 2>/dev/null || true; done
  jq -r --arg mode "$mode" 'select(.origin=="host" and (.message | startswith("[HEARTBEAT]"))) | "http=\($mode) cycles=\(.Cycles) p50_ms=\(.CycleP50Ms) p99_ms=\(.CycleP99Ms) mem_mb=\(.MemoryMb)"' \
     "$dir/runtime/logs/live.jsonl" | tail -1
}

echo "cycles=$cycles rounds=$rounds cycle_interval=$interval on $(nproc) cores"
for round in $(seq 1 "$rounds"); do
  run off "$round"
  run on "$round"
done
