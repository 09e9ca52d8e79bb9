#!/usr/bin/env bash
# Portfolio construction compared: for each `portfolio:` setting below, `backtest --families all` over START..END on the
# config's families and weights (5 bp), one row per setting with the combined signal's net and gross Sharpe, annual
# return and mean daily turnover (out of sample for families without a trained model; pass MODEL_DIR for the ML family).
# usage: scripts/portfolio-rules.sh DATA_DIR WORK_DIR START END [SETTING...]   (default: every setting below; alphahost on
# PATH, or ALPHAHOST; ML=1 turns ml_enabled on)
set -euo pipefail
data=$(realpath "$1"); work=$2; start=$3; end=$4; shift 4; only=" $* "
repo=$(cd "$(dirname "$0")/.." && pwd)
alphahost=${ALPHAHOST:-alphahost}
settings=(
  "rank|rule: rank"
  "sector_neutral|rule: sector_neutral"
  "beta_neutral|rule: beta_neutral"
  "rank+vol|vol_scaling: true"
  "band_0.001|no_trade_band: 0.001"
  "fraction_0.2|rebalance_fraction: 0.2"
  "horizon_5|horizon_days: 5"
  "horizon_20|horizon_days: 20"
)
mkdir -p "$work/configs"
echo "setting | net Sharpe | gross Sharpe | net annual return | turnover | days"
for entry in "${settings[@]}"; do
  name=${entry%%|*}; line=${entry#*|}; key=${line%%:*}
  [[ $only == "  " || $only == *" $name "* ]] || continue
  config="$work/configs/$name.yaml"
  sed "s/^  $key: .*/  $line/" "$repo/configs/golden_config.yaml" > "$config"
  [[ ${ML:-0} == 1 ]] && sed -i 's/ml_enabled: false/ml_enabled: true/' "$config"
  out="$work/reports/$name-$start-$end"
  if [[ ! -f $out/report.json ]]; then
    $alphahost backtest --config "$config" --families all --data "$data" ${MODEL_DIR:+--model-dir "$MODEL_DIR"} --start "$start" --end "$end" --out "$out" > "$work/$name-$start.log" 2>&1 || true
  fi
  jq -r --arg n "$name" '.combined | [$n, .strategy.sharpe, .strategy_gross.sharpe, .strategy.annualized_return, .turnover_mean, .days]
    | map(if type == "number" then (. * 1000 | round / 1000) else . end) | join(" | ")' "$out/report.json"
done
