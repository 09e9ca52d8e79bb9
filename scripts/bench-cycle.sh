#!/usr/bin/env bash
# Cycle latency (p50/p99 over the last 1,024 cycles, excluding the configured sleep) and process memory of the
# daemon running the three shipped families over the 500-symbol sample market, read from its own heartbeats.
# Usage: scripts/bench-cycle.sh [Release|Debug] [cycles]
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=${1:-Release}
cycles=${2:-3000}
command -v jq >/dev/null || { echo "needs jq" >&2; exit 2; }
dotnet build host -c "$configuration" -v quiet -nologo >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed -e 's/cycle_interval: 1s/cycle_interval: 0ms/' -e 's/heartbeat_interval: 30s/heartbeat_interval: 2s/' \
    -e "s|runtime_dir: ../runtime|runtime_dir: $work/runtime|" configs/golden_config.yaml > "$work/golden.yaml"
start=$(date +%s.%N)
dotnet "host/bin/$configuration/net10.0/alphahost.dll" run --config "$work/golden.yaml" --cycles "$cycles" >/dev/null
end=$(date +%s.%N)
echo "cycles=$cycles wall=$(echo "$end - $start" | bc)s on $(nproc) cores"
jq -r 'select(.origin=="host" and (.message | startswith("[HEARTBEAT]"))) | "cycles=\(.Cycles) symbols=\(.Symbols) p50_ms=\(.CycleP50Ms) p99_ms=\(.CycleP99Ms) mem_mb=\(.MemoryMb) heap_mb=\(.HeapMb)"' \
   "$work/runtime/logs/live.jsonl"
