#!/usr/bin/env bash
# A flooding plugin against the log budget: the daemon (Debug build, the golden config's 1 s cycle) with momentum and the
# test fixture family `flooder` (1,000 log events of ~1 KB in every cycle), for 60 s with the default
# host.plugin_log_* budget and again with the budget at its maximum (as before budgets existed). Prints the bytes
# live.jsonl gained in each run, the flooder's records, the drops the daemon counted, and the last heartbeat's families.
# Usage: scripts/hostile-log-figures.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
command -v jq >/dev/null || { echo "needs jq" >&2; exit 2; }
dotnet build tests/AlphaHost.Tests -v quiet -nologo >/dev/null
exe="host/bin/Debug/net10.0/alphahost.dll"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/plugins"
cp -r host/bin/Debug/net10.0/plugins/Momentum "$work/plugins/"
cp -r tests/AlphaHost.Tests/bin/Debug/net10.0/testplugins/HostileLogs "$work/plugins/"

run() {
  local label=$1 events=$2 bytes=$3
  rm -rf "$work/runtime"
  sed -e "s|runtime_dir: ../runtime|runtime_dir: $work/runtime|" -e "s|plugins_dir: \"\"|plugins_dir: $work/plugins|" \
      -e "s|plugin_log_events_per_second: 200|plugin_log_events_per_second: $events|" \
      -e "s|plugin_log_bytes_per_cycle: 65536|plugin_log_bytes_per_cycle: $bytes|" -e 's|enabled: true           # /metrics|enabled: false          # /metrics|' \
      -e 's|^families:$|families:\n  flooder: {weight: 0.1}|' configs/golden_config.yaml > "$work/golden.yaml"
  dotnet "$exe" run --config "$work/golden.yaml" >/dev/null 2>&1 &
  local pid=$!
  # Measured from the first cycle on (start-up and warm-up are not the flood's).
  until [[ -s "$work/runtime/logs/live.jsonl" ]] && grep -q '"family":"flooder"' "$work/runtime/logs/live.jsonl"; do sleep 0.2; done
  local start
  start=$(stat -c %s "$work/runtime/logs/live.jsonl")
  sleep "$seconds"
  local end
  end=$(stat -c %s "$work/runtime/logs/live.jsonl")
  kill -TERM "$pid"; wait "$pid" || true
  local log="$work/runtime/logs/live.jsonl"
  local records dropped families
  records=$(grep -c '"family":"flooder"' "$log" || true)
  dropped=$(jq -r 'select(.origin=="host" and (.message | test("log_flood: [0-9]+"))) | .message | capture("log_flood: (?<n>[0-9]+)").n' "$log" | awk '{s+=$1} END {print s+0}')
  families=$(jq -r 'select(.origin=="host" and (.message | startswith("[HEARTBEAT]"))) | .FamilyStates' "$log" | tail -1)
  printf '%s: live.jsonl +%s bytes (%.1f MB) in %s s; flooder records %s; dropped %s; families=%s\n' \
    "$label" "$((end - start))" "$(echo "($end - $start) / 1000000" | bc -l)" "$seconds" "$records" "$dropped" "$families"
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
run "budget 200/s, 65536 B/cycle (default)" 200 65536
run "budget at its maximum (1000000/s, 1 GiB/cycle)" 1000000 1073741824
