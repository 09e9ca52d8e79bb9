#!/usr/bin/env bash
# The ML drift figures (docs: ML family, drift): the false-alarm rate of the drift checks over 2010-2018 with thresholds
# chosen on 2004-2009 and with the shipped thresholds (`--thresholds config`), the injected shifts detected within 5
# cycles (all from `alphahost drift-calibrate`), and a 2018
# replay of the daemon with ML on: a pooled model trained to 2017-12-29, `run --from 2018-01-01` with
# `market.catch_up: fast`, ml_alpha in `mode: shadow` so that its state is journaled every cycle
# (runtime/signals/shadow_ml_alpha_*.jsonl: one line per cycle with the family's state), counted per trading day.
# Usage: scripts/drift-figures.sh DATA WORK [--replay-only] [Debug|Release]
#   DATA: a bar folder (e.g. ../shared/data); WORK: a scratch folder (created; its runtime/ and models/ are replaced).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
[[ $# -ge 2 ]] || { echo "usage: scripts/drift-figures.sh DATA WORK [--replay-only] [Debug|Release]" >&2; exit 2; }
data=$(realpath "$1")
work=$2
replay_only=false
configuration=Debug
for arg in "${@:3}"; do
  case $arg in
    --replay-only) replay_only=true ;;
    Debug|Release) configuration=$arg ;;
    *) echo "drift-figures: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
host_dll="$repo/host/bin/$configuration/net10.0/alphahost.dll"
command -v jq >/dev/null || { echo "drift-figures: needs jq" >&2; exit 2; }
[[ -f $host_dll ]] || dotnet build host -c "$configuration" -v quiet -nologo >/dev/null
mkdir -p "$work"
work=$(realpath "$work")
rm -rf "$work/runtime" "$work/models"
alphahost() { dotnet "$host_dll" "$@"; }

# The golden config, with the bar folder, ML on, ml_alpha in shadow (journaled every cycle), fast catch-up.
sed -e 's/ml_enabled: false/ml_enabled: true/' \
    -e 's/heartbeat_interval: 30s/heartbeat_interval: 1s/' \
    -e 's/listen: 127.0.0.1:9464/listen: 127.0.0.1:0/' \
    -e 's|runtime_dir: ../runtime|runtime_dir: runtime|' \
    -e 's|models_dir: ../models/ml_alpha|models_dir: models/ml_alpha|' \
    -e 's/mode: live /mode: shadow /' \
    -e 's/source: sample /source: bars /' \
    -e "s|data_dir: \"\" |data_dir: \"$data\" |" \
    -e 's/catch_up: paced /catch_up: fast /' \
    configs/golden_config.yaml > "$work/config.yaml"

if [[ $replay_only == false ]]; then
  alphahost drift-calibrate --config "$work/config.yaml" --data "$data" --calibrate 2004-2009 --first-year 2010 --last-year 2018 | tee "$work/drift-calibrate.txt" || true
  # The same years judged with the shipped thresholds (the config's), none chosen.
  alphahost drift-calibrate --config "$work/config.yaml" --data "$data" --thresholds config --first-year 2010 --last-year 2018 | tee "$work/drift-shipped.txt" || true
fi

alphahost train --all --data "$data" --end 2017-12-29 --config "$work/config.yaml" > "$work/train.txt"
alphahost run --config "$work/config.yaml" --from 2018-01-01 --cycles 251 > "$work/run.txt" 2>&1 || true
cat "$work"/runtime/signals/shadow_ml_alpha_*.jsonl > "$work/shadow.jsonl"
days=$(jq -r 'select(.market_date >= "2018-01-01") | .market_date' "$work/shadow.jsonl" | sort -u | wc -l)
ok=$(jq -r 'select(.market_date >= "2018-01-01" and (.state | ascii_upcase) == "OK") | .market_date' "$work/shadow.jsonl" | sort -u | wc -l)
echo "2018 replay with ML on: ml_alpha state=OK on $ok of $days days (pooled model trained to 2017-12-29; states by day:" \
  "$(jq -r 'select(.market_date >= "2018-01-01") | .state' "$work/shadow.jsonl" | sort | uniq -c | tr -s ' ' | paste -sd ',')))"
echo "heartbeat states during the replay (the last ones after 2018-12-31 wait for data that never comes): $(grep -ho '[ "]state=[A-Z_]*' "$work/runtime/logs/live.jsonl" | tr -d ' "' | sort | uniq -c | tr -s ' ' | paste -sd ',')"
grep -h '^FIGURE' "$work/drift-calibrate.txt" "$work/drift-shipped.txt" 2>/dev/null || true
