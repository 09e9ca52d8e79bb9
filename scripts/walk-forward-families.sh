#!/usr/bin/env bash
# Walk-forward of what the daemon trades: for each test year Y, one pooled model trained on every bar up to the end of
# Y-1 (`train --all --end`), then `backtest --families all` over Y with the config's families and weights (ML enabled),
# 5 bp. Prints a row per year and the figures over all years (pooled from the yearly mean and variance of daily returns).
# usage: scripts/walk-forward-families.sh DATA_DIR WORK_DIR [FIRST_YEAR] [LAST_YEAR]   (alphahost on PATH, or ALPHAHOST)
set -euo pipefail
data=$(realpath "$1"); work=$2; first=${3:-2010}; last=${4:-2018}
repo=$(cd "$(dirname "$0")/.." && pwd)
alphahost=${ALPHAHOST:-alphahost}
mkdir -p "$work/configs"
sed 's/ml_enabled: false/ml_enabled: true/' "$repo/configs/golden_config.yaml" > "$work/configs/golden_config.yaml"
cd "$work"
for ((y = first; y <= last; y++)); do
  if [[ ! -f reports/$y/report.json ]]; then
    $alphahost train --all --data "$data" --end "$((y - 1))-12-31" --out "models_$y" > "train_$y.log" 2>&1
    $alphahost backtest --families all --data "$data" --model-dir "models_$y" --start "$y-01-01" --end "$y-12-31" --out "reports/$y" > "backtest_$y.log" 2>&1 || true
  fi
done
summary='def fam($n): .families[] | select(.name == $n) | .report;
  [.combined, (fam("ml_alpha")), (fam("momentum")), (fam("reversal"))] as $r
  | [(.combined.window.start[0:4]), ($r[] | .strategy.sharpe, .strategy_gross.sharpe), .combined.ic.rank_mean, .combined.turnover_mean,
     (.marginal[] | select(.family == "ml_alpha") | .sharpe_net)]'
echo "year | combined net | gross | ml_alpha net | gross | momentum net | gross | reversal net | gross | combined rank IC 1d | turnover | ml_alpha marginal net Sharpe"
for ((y = first; y <= last; y++)); do jq -r "$summary | map(if type == \"number\" then (. * 1000 | round / 1000) else . end) | join(\" | \")" "reports/$y/report.json"; done
files=(); for ((y = first; y <= last; y++)); do files+=("reports/$y/report.json"); done
for who in combined ml_alpha momentum reversal; do
  jq -rs --arg who "$who" '
    def rep: if $who == "combined" then .combined else (.families[] | select(.name == $who) | .report) end;
    def pool(f): (map(.days) | add) as $n
      | map({d: .days, m: ((f | .annualized_return) / 252), s: ((f | .annualized_volatility) / (252 | sqrt))}) as $x
      | ($x | map(.m * .d) | add / $n) as $m
      | ($x | map(.d * (.s * .s + (.m - $m) * (.m - $m))) | add / $n) as $v
      | $m / ($v | sqrt) * (252 | sqrt) * 1000 | round / 1000;
    [.[] | rep] as $r
    | "\($who) over all years: net Sharpe \($r | pool(.strategy)), gross \($r | pool(.strategy_gross)), 1-day rank IC \($r | (map(.ic.rank_mean * .days) | add) / (map(.days) | add) * 10000 | round / 10000), turnover \($r | map(.turnover_mean) | add / length * 1000 | round / 1000)"' "${files[@]}"
done
