#!/usr/bin/env bash
# Runs a command and samples its resident memory and CPU every half second (for the training timelines in docs/performance.md).
# usage: scripts/sample-process.sh OUTPUT_PREFIX command [args...]
#   OUTPUT_PREFIX.log     the command's stdout and stderr
#   OUTPUT_PREFIX.samples one line per sample: seconds since start, RSS in MB, CPU % over the interval (200 % = both cores)
# Prints the exit code, the peak RSS and the wall time. Linux only (/proc).
set -u
if [[ $# -lt 2 ]]; then
  echo "usage: $0 OUTPUT_PREFIX command [args...]" >&2
  exit 2
fi
prefix=$1; shift
ticks=$(getconf CLK_TCK)
start=$(date +%s%N)
"$@" > "$prefix.log" 2>&1 &
pid=$!
peak=0; previous_cpu=0; previous_ns=$start
: > "$prefix.samples"
while kill -0 "$pid" 2>/dev/null; do
  now=$(date +%s%N)
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  cpu=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || true)
  if [[ -n "$rss" && -n "$cpu" ]]; then
    (( rss > peak )) && peak=$rss
    percent=$(( (cpu - previous_cpu) * 100 * 1000000000 / ticks / (now - previous_ns > 0 ? now - previous_ns : 1) ))
    printf '%.1f %d %d\n' "$(echo "($now - $start) / 1000000000" | bc -l)" $((rss / 1024)) "$percent" >> "$prefix.samples"
    previous_cpu=$cpu; previous_ns=$now
  fi
  sleep 0.5
done
wait "$pid"; code=$?
echo "exit=$code peak_rss_mb=$((peak / 1024)) wall_s=$(echo "($(date +%s%N) - $start) / 1000000000" | bc -l | cut -c1-5)"
exit "$code"
