#!/usr/bin/env bash
# Walk-forward of what the daemon trades: for each test year Y, one pooled model trained on every bar up to the end of
# Y-1 (`train --all --end`), then `backtest --families all` over Y with the config's families and weights (ML enabled),
# 5 bp. Prints a row per year and the figures over all years (pooled from the yearly mean and variance of daily returns).
# COMBINER=learned: `combiner.mode: learned`; the learned weights' state is carried from year to year in
# WORK/combiner_state.json (`backtest --combiner-state`, as the daemon resumes from runtime/combiner.json), starting with
# the year before FIRST_YEAR as a warm-up that is not reported (its model trained up to the end of the year before it);
# each year's report also holds the configured weights' combination on the same days ("configured" below).
# TRIALS=N: configurations tried, passed to `backtest --trials` (the deflated Sharpe ratio in each report).
# usage: [COMBINER=static|learned] [TRIALS=N] scripts/walk-forward-families.sh DATA_DIR WORK_DIR [FIRST_YEAR] [LAST_YEAR]
#        (alphahost on PATH, or ALPHAHOST)
set -euo pipefail
data=$(realpath "$1"); work=$2; first=${3:-2010}; last=${4:-2018}
repo=$(cd "$(dirname "$0")/.." && pwd)
alphahost=${ALPHAHOST:-alphahost}
combiner=${COMBINER:-static}; trials=${TRIALS:-1}
mkdir -p "$work/configs"
sed -e 's/ml_enabled: false/ml_enabled: true/' -e "s/^  mode: static /  mode: $combiner /" "$repo/configs/golden_config.yaml" > "$work/configs/golden_config.yaml"
cd "$work"
reports=reports; from=$first; state=()
if [[ $combiner == learned ]]; then reports=reports-learned; from=$((first - 1)); state=(--combiner-state "$work/combiner_state.json"); fi
for ((y = from; y <= last; y++)); do
  if [[ ! -f $reports/$y/report.json ]]; then
    [[ -d models_$y ]] || $alphahost train --all --data "$data" --end "$((y - 1))-12-31" --out "models_$y" > "train_$y.log" 2>&1
    $alphahost backtest --families all --data "$data" --model-dir "models_$y" --start "$y-01-01" --end "$y-12-31" --out "$reports/$y" \
      --trials "$trials" "${state[@]}" > "backtest_${combiner}_$y.log" 2>&1 || true
  fi
done
summary='def fam($n): .families[] | select(.name == $n) | .report;
  [.combined, (fam("ml_alpha")), (fam("momentum")), (fam("reversal"))] as $r
  | [(.combined.window.start[0:4]), ($r[] | .strategy.sharpe, .strategy_gross.sharpe), .combined.ic.rank_mean, .combined.turnover_mean,
     (.marginal[] | select(.family == "ml_alpha") | .sharpe_net)]'
echo "combiner.mode $combiner ($reports)"
echo "year | combined net | gross | ml_alpha net | gross | momentum net | gross | reversal net | gross | combined rank IC 1d | turnover | ml_alpha marginal net Sharpe"
for ((y = first; y <= last; y++)); do jq -r "$summary | map(if type == \"number\" then (. * 1000 | round / 1000) else . end) | join(\" | \")" "$reports/$y/report.json"; done
files=(); for ((y = first; y <= last; y++)); do files+=("$reports/$y/report.json"); done
who_all=(combined ml_alpha momentum reversal); [[ $combiner == learned ]] && who_all=(combined configured ml_alpha momentum reversal)
for who in "${who_all[@]}"; do
  jq -rs --arg who "$who" '
    def rep: if $who == "combined" then .combined elif $who == "configured" then .configured else (.families[] | select(.name == $who) | .report) end;
    def pool(f): (map(.days) | add) as $n
      | map({d: .days, m: ((f | .annualized_return) / 252), s: ((f | .annualized_volatility) / (252 | sqrt))}) as $x
      | ($x | map(.m * .d) | add / $n) as $m
      | ($x | map(.d * (.s * .s + (.m - $m) * (.m - $m))) | add / $n) as $v
      | $m / ($v | sqrt) * (252 | sqrt) * 1000 | round / 1000;
    [.[] | rep] as $r
    | "\($who) over all years: net Sharpe \($r | pool(.strategy)), gross \($r | pool(.strategy_gross)), max drawdown (worst year) \($r | map(.strategy.max_drawdown) | max * 1000 | round / 1000), 1-day rank IC \($r | (map(.ic.rank_mean * .days) | add) / (map(.days) | add) * 10000 | round / 10000), turnover \($r | map(.turnover_mean) | add / length * 1000 | round / 1000)"' "${files[@]}"
done
if [[ $combiner == learned ]]; then
  echo "learned weights at the first update of each year:"
  for ((y = first; y <= last; y++)); do jq -r '.learned_weights[0] | "\(.date): \(.weights | to_entries | map("\(.key) \(.value * 1000 | round / 1000)") | join(", "))"' "$reports/$y/report.json"; done
fi
