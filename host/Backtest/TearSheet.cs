using AlphaHost.Abstractions;

namespace AlphaHost.Host.Backtest;

/// <summary>
/// The factor tear sheet of a replay: how well each close's signals rank the symbols' later returns (IC decay, quintile
/// returns, monthly rank IC), how stable the ranking is (turnover, rank autocorrelation), and how much to believe the
/// portfolio's Sharpe (excess over the benchmark, probabilistic and deflated Sharpe ratios), net and gross of costs.
/// </summary>
internal sealed record TearSheet
{
    /// <summary>Forward horizons in trading days: the signal at close t against the symbol's return from t to its h-th next bar.</summary>
    public static IReadOnlyList<int> Horizons { get; } = [1, 5, 10, 20];

    /// <summary>Symbols a day needs for its five quintiles.</summary>
    public const int QuintileMinSymbols = 5;

    /// <summary>Symbols a day (or a pair of days) needs for a correlation.</summary>
    public const int CorrelationMinSymbols = 3;

    /// <summary>Horizon of the monthly table's daily rank IC.</summary>
    public const int MonthlyHorizon = 1;

    public required IReadOnlyList<HorizonIc> IcDecay { get; init; }

    public required IReadOnlyList<QuintileReturns> Quintiles { get; init; }

    /// <summary>Mean daily turnover of the portfolio (sum of absolute weight changes, the first rebalance from flat).</summary>
    public required double Turnover { get; init; }

    /// <summary>Mean Spearman correlation of each day's signals with the previous day's, over the symbols both days signalled.</summary>
    public required double RankAutocorrelation { get; init; }

    public required int RankAutocorrelationDays { get; init; }

    public required SharpeSignificance SharpeNet { get; init; }

    public required SharpeSignificance SharpeGross { get; init; }

    public required ExcessReturn ExcessNet { get; init; }

    public required ExcessReturn ExcessGross { get; init; }

    /// <summary>Configurations tried before this one (<c>backtest --trials</c>): the deflated Sharpe ratio's N.</summary>
    public required int Trials { get; init; }

    /// <summary>Mean daily rank IC at <see cref="MonthlyHorizon"/> day per calendar month of the signal's date, a row per year.</summary>
    public required IReadOnlyList<MonthlyIc> MonthlyRankIc { get; init; }

    /// <summary>Scores <paramref name="run"/>'s signals against the closes of <paramref name="history"/>, and its daily returns.</summary>
    public static TearSheet Compute(BacktestRun run, MarketHistory history, BacktestOptions options)
    {
        var bars = history.Symbols.ToDictionary(s => s.Symbol, s => s.Bars, StringComparer.Ordinal);
        var ic = Horizons.Select(_ => new List<double>()).ToArray();
        var rankIc = Horizons.Select(_ => new List<double>()).ToArray();
        var quintiles = Horizons.Select(_ => new List<double[]>()).ToArray();
        var monthly = new List<(DateOnly Date, double RankIc)>();
        foreach (var day in run.SignalDays)
        {
            for (var k = 0; k < Horizons.Count; k++)
            {
                var signals = new List<double>(day.Signals.Count);
                var returns = new List<double>(day.Signals.Count);
                foreach (var (symbol, signal) in day.Signals)
                {
                    if (bars.TryGetValue(symbol, out var series) && ForwardReturn(series.Span, day.Date, Horizons[k]) is { } forward)
                    {
                        signals.Add(signal);
                        returns.Add(forward);
                    }
                }

                if (signals.Count >= CorrelationMinSymbols)
                {
                    AddFinite(ic[k], CrossSection.Pearson(signals, returns));
                    if (AddFinite(rankIc[k], CrossSection.Spearman(signals, returns)) is { } value && Horizons[k] == MonthlyHorizon)
                    {
                        monthly.Add((day.Date, value));
                    }
                }

                if (QuintileMeans(signals, returns) is { } means)
                {
                    quintiles[k].Add(means);
                }
            }
        }

        var (autocorrelation, autocorrelationDays) = RankAutocorrelationOf(run.SignalDays);
        return new TearSheet
        {
            IcDecay = Horizons.Select((h, k) => HorizonIc.Of(h, ic[k], rankIc[k])).ToArray(),
            Quintiles = Horizons.Select((h, k) => QuintileReturns.Of(h, quintiles[k])).ToArray(),
            Turnover = Stats.Mean(run.Turnover),
            RankAutocorrelation = autocorrelation,
            RankAutocorrelationDays = autocorrelationDays,
            SharpeNet = SharpeSignificance.Of(run.Net, options.Trials),
            SharpeGross = SharpeSignificance.Of(run.Gross, options.Trials),
            ExcessNet = ExcessReturn.Of(run.Net, run.Benchmark),
            ExcessGross = ExcessReturn.Of(run.Gross, run.Benchmark),
            Trials = options.Trials,
            MonthlyRankIc = MonthlyIc.Of(monthly),
        };
    }

    /// <summary>
    /// The close-to-close return from the bar of <paramref name="date"/> to the symbol's <paramref name="horizon"/>-th next
    /// bar (its own bars, so a day it did not trade is not counted); null when it has no bar that day or not that many
    /// bars after it: such days are left out, never filled.
    /// </summary>
    public static double? ForwardReturn(ReadOnlySpan<Bar> bars, DateOnly date, int horizon)
    {
        int lo = 0, hi = bars.Length - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (bars[mid].Date == date)
            {
                return mid + horizon < bars.Length ? (bars[mid + horizon].Close / bars[mid].Close) - 1 : null;
            }

            if (bars[mid].Date < date)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return null;
    }

    /// <summary>Equal-weighted mean return of each signal quintile (lowest signals first); null under <see cref="QuintileMinSymbols"/> symbols.</summary>
    private static double[]? QuintileMeans(List<double> signals, List<double> returns)
    {
        if (signals.Count < QuintileMinSymbols)
        {
            return null;
        }

        var ranks = CrossSection.AverageRanks(signals);
        var sums = new double[5];
        var counts = new int[5];
        for (var i = 0; i < ranks.Length; i++)
        {
            // Tied signals share their average rank and so their quintile; a quintile left empty by ties is NaN that day.
            var quintile = Math.Min(4, (int)(ranks[i] * 5 / ranks.Length));
            sums[quintile] += returns[i];
            counts[quintile]++;
        }

        return sums.Select((sum, q) => counts[q] == 0 ? double.NaN : sum / counts[q]).ToArray();
    }

    private static (double Mean, int Days) RankAutocorrelationOf(IReadOnlyList<SignalDay> days)
    {
        var values = new List<double>();
        for (var t = 1; t < days.Count; t++)
        {
            var previous = days[t - 1].Signals;
            var common = days[t].Signals.Where(s => previous.ContainsKey(s.Key)).ToArray();
            if (common.Length >= CorrelationMinSymbols)
            {
                AddFinite(values, CrossSection.Spearman(common.Select(s => s.Value).ToArray(), common.Select(s => previous[s.Key]).ToArray()));
            }
        }

        return (Stats.Mean(values), values.Count);
    }

    /// <summary>A correlation of constant signals or returns is undefined: that day is left out.</summary>
    private static double? AddFinite(List<double> values, double value)
    {
        if (!double.IsFinite(value))
        {
            return null;
        }

        values.Add(value);
        return value;
    }
}

/// <summary>Daily cross-sectional IC (Pearson) and rank IC (Spearman) at one horizon; t-stat = mean / (std / sqrt(days)).</summary>
internal sealed record HorizonIc(int Horizon, double Mean, double Std, double Icir, double TStat, double RankMean, double RankStd, double RankIcir, double RankTStat, int Days)
{
    public static HorizonIc Of(int horizon, List<double> ic, List<double> rankIc)
    {
        var (mean, std) = (Stats.Mean(ic), Stats.StdDev(ic));
        var (rankMean, rankStd) = (Stats.Mean(rankIc), Stats.StdDev(rankIc));
        return new HorizonIc(horizon, mean, std, mean / std, mean / std * Math.Sqrt(ic.Count), rankMean, rankStd, rankMean / rankStd,
            rankMean / rankStd * Math.Sqrt(rankIc.Count), rankIc.Count);
    }
}

/// <summary>
/// Mean forward return at one horizon of each signal quintile (Q1 lowest signals .. Q5 highest, equal-weighted each day,
/// then averaged over days), and the top-minus-bottom spread Q5 - Q1 with its t-stat over days.
/// </summary>
internal sealed record QuintileReturns(int Horizon, IReadOnlyList<double> Means, double TopMinusBottom, double TopMinusBottomTStat, int Days)
{
    public static QuintileReturns Of(int horizon, List<double[]> days)
    {
        var means = Enumerable.Range(0, 5).Select(q => Stats.Mean(days.Select(d => d[q]).Where(double.IsFinite).ToArray())).ToArray();
        var spreads = days.Select(d => d[4] - d[0]).Where(double.IsFinite).ToArray();
        var (mean, std) = (Stats.Mean(spreads), Stats.StdDev(spreads));
        return new QuintileReturns(horizon, means, mean, mean / std * Math.Sqrt(spreads.Length), days.Count);
    }
}

/// <summary>A year's row of the monthly table: the mean daily rank IC of each calendar month (null without a day), and of the year.</summary>
internal sealed record MonthlyIc(int Year, IReadOnlyList<double?> Months, double Mean, int Days)
{
    public static IReadOnlyList<MonthlyIc> Of(IEnumerable<(DateOnly Date, double RankIc)> days) =>
        days.GroupBy(d => d.Date.Year).OrderBy(y => y.Key).Select(year => new MonthlyIc(year.Key,
            Enumerable.Range(1, 12).Select(m => year.Where(d => d.Date.Month == m).Select(d => d.RankIc).ToArray() is { Length: > 0 } month ? month.Average() : (double?)null).ToArray(),
            year.Average(d => d.RankIc), year.Count())).ToArray();
}

/// <summary>The strategy's daily return minus the benchmark's: annualized (252 days) mean, tracking error, and their ratio.</summary>
internal sealed record ExcessReturn(double AnnualizedExcessReturn, double TrackingError, double InformationRatio)
{
    public static ExcessReturn Of(IReadOnlyList<double> strategy, IReadOnlyList<double> benchmark)
    {
        var active = strategy.Select((r, i) => r - benchmark[i]).ToArray();
        var annual = Stats.Mean(active) * Stats.TradingDays;
        var trackingError = Stats.StdDev(active) * Math.Sqrt(Stats.TradingDays);
        return new ExcessReturn(annual, trackingError, trackingError > 0 ? annual / trackingError : double.NaN);
    }
}
