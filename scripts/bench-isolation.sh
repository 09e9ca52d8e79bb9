#!/usr/bin/env bash
# Cost of process isolation: the daemon with the four shipped families (ML on, one model per symbol of the 500-symbol
# sample market) run with host.family_isolation: process and then in_process, alternating, in the same session.
# Prints each run's cycle p50/p99 (the heartbeat's last 1,024 cycles, compute and write, no sleep), the peak memory of
# the host plus its workers, the CPU time of the whole run (host and workers, start to stop, in seconds), and the
# process/in_process ratios. Memory is read twice every half second: RSS summed over the processes (a page shared by
# several, such as the runtime's libraries and the market image every worker maps, is counted once per process), and
# PSS summed (each shared page divided among the processes that map it: the memory the processes take together).
# Usage: scripts/bench-isolation.sh [Release|Debug] [cycles] [rounds] [symbols]
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=${1:-Release}
cycles=${2:-3000}
rounds=${3:-2}
symbols=${4:-500}
command -v jq >/dev/null || { echo "needs jq" >&2; exit 2; }
dotnet build host -c "$configuration" -v quiet -nologo >/dev/null
exe="host/bin/$configuration/net10.0/alphahost.dll"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
models=${ALPHAHOST_BENCH_MODELS:-/tmp/alphahost-bench-sample-models}
sed -e 's/ml_enabled: false/ml_enabled: true/' -e 's/cycle_interval: 1s/cycle_interval: 0ms/' -e 's/heartbeat_interval: 30s/heartbeat_interval: 2s/' \
    -e 's/family_timeout: 500ms/family_timeout: 5s/' -e "s|runtime_dir: ../runtime|runtime_dir: $work/runtime|" \
    -e "s|models_dir: ../models/ml_alpha|models_dir: $models|" -e "s/symbols: 500/symbols: $symbols/" -e "s|plugins_dir: \"\"|plugins_dir: $PWD/host/bin/$configuration/net10.0/plugins|" \
    configs/golden_config.yaml > "$work/golden.yaml"
if [[ ! -d "$models" ]]; then
  echo "training one model per sample symbol into $models (once)..."
  dotnet "$exe" train --config "$work/golden.yaml" --all >/dev/null
fi
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared and noisy: compare the ratios, not the absolute figures)"

run() {
  local mode=$1
  sed "s/family_isolation: process/family_isolation: $mode/" "$work/golden.yaml" > "$work/$mode.yaml"
  rm -rf "$work/runtime"
  # The run goes in a subshell so that its CPU time (host and the workers it reaped) can be read from `times`.
  local cpu
  cpu=$(
    dotnet "$exe" run --config "$work/$mode.yaml" --cycles "$cycles" >/dev/null &
    pid=$! peak=0 peak_pss=0
    while kill -0 "$pid" 2>/dev/null; do
      read -r rss pss < <(for p in "$pid" $(pgrep -P "$pid"); do cat "/proc/$p/smaps_rollup" 2>/dev/null; done | awk '/^Rss:/ {r += $2} /^Pss:/ {s += $2} END {print r + 0, s + 0}')
      (( rss > peak )) && peak=$rss
      (( pss > peak_pss )) && peak_pss=$pss
      sleep 0.5
    done
    wait "$pid"
    echo "$peak $peak_pss" > "$work/peak"
    times > "$work/times"
    tail -1 "$work/times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.1f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }'
  )
  local peak peak_pss
  read -r peak peak_pss < "$work/peak"
  jq -r --arg mode "$mode" --argjson peak "$peak" --argjson pss "$peak_pss" --arg cpu "$cpu" 'select(.origin=="host" and (.message | startswith("[HEARTBEAT]"))) | select(.final == true)
    | "\($mode) cycles=\(.Cycles) p50_ms=\(.CycleP50Ms) p99_ms=\(.CycleP99Ms) models=\(.Models // "?") peak_rss_mb=\($peak / 1024 | floor) peak_pss_mb=\($pss / 1024 | floor) cpu_s=\($cpu)"' "$work/runtime/logs/live.jsonl"
}

for round in $(seq 1 "$rounds"); do
  p=$(run process); i=$(run in_process)
  echo "round $round: $p"
  echo "round $round: $i"
  awk -v p="$p" -v i="$i" 'BEGIN {
    split(p, a, " "); split(i, b, " ");
    for (k in a) { split(a[k], x, "="); pv[x[1]] = x[2] } for (k in b) { split(b[k], y, "="); iv[y[1]] = y[2] }
    printf "round %d: process/in_process p50 x%.2f, p99 x%.2f, peak RSS x%.2f, peak PSS x%.2f, CPU x%.2f\n", '"$round"', pv["p50_ms"] / iv["p50_ms"], pv["p99_ms"] / iv["p99_ms"], pv["peak_rss_mb"] / iv["peak_rss_mb"], pv["peak_pss_mb"] / iv["peak_pss_mb"], pv["cpu_s"] / iv["cpu_s"] }'
done
