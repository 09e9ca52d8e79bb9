using AlphaHost.Abstractions;
using AlphaHost.Host.Portfolio;

namespace AlphaHost.Host.Backtest;

/// <summary>
/// Trades one series of signals, close by close, into a <see cref="BacktestRun"/>: at each close the portfolio stage
/// (<see cref="PortfolioBook"/>, the daemon's own, configured by <c>portfolio:</c>) turns the signals into weights (by
/// default the centred ranks scaled to a gross exposure of 1, dollar-neutral long/short, rebalanced in full); they earn the next day's close-to-close returns, each rebalance pays <see cref="BacktestOptions.CostBasisPoints"/> per
/// unit of turnover, and each close's signals are scored against the next day's returns (IC, rank IC). One family's
/// signals, the combined signal and the combined signal without a family are all traded by this one book.
/// </summary>
internal sealed class SignalBook(BacktestOptions options, PortfolioOptions portfolio)
{
    private readonly PortfolioBook _book = new(portfolio);
    private IReadOnlyDictionary<string, double>? _weights;
    private IReadOnlyDictionary<string, double>? _signals;
    private Dictionary<string, double> _closes = new(StringComparer.Ordinal);
    private double? _benchmarkClose;

    public BacktestRun Run { get; } = new() { Portfolio = portfolio };

    /// <summary>Settles yesterday's positions on <paramref name="day"/>'s closes, then rebalances to <paramref name="signals"/>.</summary>
    public void Close(ReplayDay day, IReadOnlyDictionary<string, double> signals)
    {
        if (_weights is not null && _signals is not null)
        {
            Settle(day);
        }

        var step = _book.Rebalance(signals, day.Snapshot);
        Run.Turnover.Add(step.Turnover);
        Run.SignalDays.Add(new SignalDay(day.Date, signals));
        _weights = step.Weights;
        _signals = signals;
        _closes = day.Bars.ToDictionary(b => b.Key, b => b.Value.Close, StringComparer.Ordinal);
        _benchmarkClose = day.Benchmark?.Close ?? _benchmarkClose;
        foreach (var symbol in signals.Keys)
        {
            Run.Processed.Add(symbol);
        }
    }

    /// <summary>Centred signal ranks scaled to gross 1 (the default rule): the best signal is the largest long, the worst the largest short.</summary>
    internal static Dictionary<string, double> Weights(IReadOnlyDictionary<string, double> signals) => TargetWeights.Of(signals, null, new PortfolioOptions());

    /// <summary>Yesterday's positions earn today's returns, net of yesterday's rebalancing cost; yesterday's signals are scored against today's returns.</summary>
    private void Settle(ReplayDay day)
    {
        var gross = 0.0;
        foreach (var (symbol, weight) in _weights!)
        {
            gross += weight * Return(symbol, day);
        }

        var cost = Run.Turnover[^1] * options.CostBasisPoints / 10_000.0;
        Run.Dates.Add(day.Date);
        Run.Gross.Add(gross);
        Run.Net.Add(gross - cost);
        Run.Benchmark.Add(_benchmarkClose is { } previous && day.Benchmark is { } bar ? (bar.Close / previous) - 1 : 0.0);

        var scored = _signals!.Where(s => day.Bars.ContainsKey(s.Key) && _closes.ContainsKey(s.Key)).ToArray();
        if (scored.Length >= 3)
        {
            var x = scored.Select(s => s.Value).ToArray();
            var y = scored.Select(s => Return(s.Key, day)).ToArray();
            if (CrossSection.Pearson(x, y) is var ic && double.IsFinite(ic))
            {
                Run.Ic.Add(ic);
            }

            if (CrossSection.Spearman(x, y) is var rankIc && double.IsFinite(rankIc))
            {
                Run.RankIc.Add(rankIc);
            }
        }
    }

    /// <summary>Close-to-close return; 0 for a symbol without a bar today (its position earns nothing that day).</summary>
    private double Return(string symbol, ReplayDay day) =>
        day.Bars.TryGetValue(symbol, out var bar) && _closes.TryGetValue(symbol, out var previous) ? (bar.Close / previous) - 1 : 0.0;
}
