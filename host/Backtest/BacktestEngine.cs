using AlphaHost.Abstractions;
using AlphaHost.Host.Market;

namespace AlphaHost.Host.Backtest;

/// <summary>
/// Replays a period day by day through a family exactly as the daemon runs it (the same <see cref="MarketState"/>
/// snapshots, the same <see cref="IAlphaFamily.ComputeAsync"/>: no second implementation of features or inference), then
/// trades the signals: at each close the symbols with a signal are ranked, and the weights are the centred ranks scaled
/// to a gross exposure of 1 (dollar-neutral long/short); they earn the next day's close-to-close returns, and each
/// rebalance pays <see cref="BacktestOptions.CostBasisPoints"/> per unit of turnover.
/// </summary>
internal sealed class BacktestEngine(IAlphaFamily family, BacktestOptions options)
{
    public async Task<BacktestRun> RunAsync(MarketHistory history, DatePeriod window, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var universe = history.Symbols.Select(s => s.Info).ToArray();
        var benchmarkInfo = history.Benchmark?.Info ?? new SymbolInfo("SPY", "Benchmark", "Benchmark");
        var market = new MarketState(universe, benchmarkInfo, maxHistory: 1_000_000);
        var calendar = MarketHistoryLoader.Calendar(history.Benchmark is { } index ? [index] : history.Symbols, window.End);
        var cursors = history.Symbols.ToDictionary(s => s.Symbol, _ => 0, StringComparer.Ordinal);
        var benchmarkCursor = 0;
        var run = new BacktestRun();
        var errorsAtStart = family.Health.ErrorCount;
        Dictionary<string, double>? weights = null;
        Dictionary<string, double>? signals = null;
        Dictionary<string, double> closes = new(StringComparer.Ordinal);
        double? benchmarkClose = null;
        var tradingDays = calendar.Count(d => d >= window.Start);
        var done = 0;

        foreach (var date in calendar)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var bars = new Dictionary<string, Bar>(StringComparer.Ordinal);
            foreach (var symbol in history.Symbols)
            {
                var span = symbol.Bars.Span;
                var i = cursors[symbol.Symbol];
                while (i < span.Length && span[i].Date < date)
                {
                    i++;
                }

                if (i < span.Length && span[i].Date == date)
                {
                    bars[symbol.Symbol] = span[i];
                    i++;
                }

                cursors[symbol.Symbol] = i;
            }

            Bar? benchmarkBar = null;
            if (history.Benchmark is { } benchmark)
            {
                var span = benchmark.Bars.Span;
                while (benchmarkCursor < span.Length && span[benchmarkCursor].Date < date)
                {
                    benchmarkCursor++;
                }

                benchmarkBar = benchmarkCursor < span.Length && span[benchmarkCursor].Date == date ? span[benchmarkCursor] : null;
            }

            market.Append(new MarketDay(date, bars, benchmarkBar));
            if (date < window.Start)
            {
                continue;
            }

            if (weights is not null && signals is not null)
            {
                Settle(run, date, weights, signals, closes, bars, benchmarkClose, benchmarkBar);
            }

            var today = await Signals(market.Snapshot(++done), run, cancellationToken).ConfigureAwait(false);
            var next = Weights(today);
            run.Turnover.Add(Turnover(weights, next));
            run.SignalDays.Add(new SignalDay(date, today));
            weights = next;
            signals = today;
            closes = bars.ToDictionary(b => b.Key, b => b.Value.Close, StringComparer.Ordinal);
            benchmarkClose = benchmarkBar?.Close ?? benchmarkClose;
            foreach (var symbol in today.Keys)
            {
                run.Processed.Add(symbol);
            }

            progress?.Report((done, tradingDays));
        }

        run.ModelErrors = family.Health.ErrorCount - errorsAtStart;
        run.FinalHealth = family.Health;
        return run;
    }

    /// <summary>Yesterday's positions earn today's returns, net of yesterday's rebalancing cost; yesterday's signals are scored against today's returns.</summary>
    private void Settle(BacktestRun run, DateOnly date, Dictionary<string, double> weights, Dictionary<string, double> signals,
        Dictionary<string, double> closes, Dictionary<string, Bar> bars, double? benchmarkClose, Bar? benchmarkBar)
    {
        var gross = 0.0;
        foreach (var (symbol, weight) in weights)
        {
            gross += weight * Return(symbol, closes, bars);
        }

        var cost = run.Turnover[^1] * options.CostBasisPoints / 10_000.0;
        run.Dates.Add(date);
        run.Gross.Add(gross);
        run.Net.Add(gross - cost);
        run.Benchmark.Add(benchmarkClose is { } previous && benchmarkBar is { } bar ? (bar.Close / previous) - 1 : 0.0);

        var scored = signals.Where(s => bars.ContainsKey(s.Key) && closes.ContainsKey(s.Key)).ToArray();
        if (scored.Length >= 3)
        {
            var x = scored.Select(s => s.Value).ToArray();
            var y = scored.Select(s => Return(s.Key, closes, bars)).ToArray();
            if (Stats.Pearson(x, y) is var ic && double.IsFinite(ic))
            {
                run.Ic.Add(ic);
            }

            if (Stats.Spearman(x, y) is var rankIc && double.IsFinite(rankIc))
            {
                run.RankIc.Add(rankIc);
            }
        }
    }

    private async Task<Dictionary<string, double>> Signals(MarketSnapshot snapshot, BacktestRun run, CancellationToken cancellationToken)
    {
        try
        {
            var signals = await family.ComputeAsync(snapshot, cancellationToken).ConfigureAwait(false);
            return signals.BySymbol.Where(s => double.IsFinite(s.Value)).ToDictionary(s => s.Key, s => Math.Clamp(s.Value, -1, 1), StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            run.Exceptions.Add($"{snapshot.Date:yyyy-MM-dd}: {ex.GetType().Name}: {ex.Message}");
            return new Dictionary<string, double>(StringComparer.Ordinal);
        }
    }

    /// <summary>Centred signal ranks scaled to gross 1: the best signal is the largest long, the worst the largest short.</summary>
    internal static Dictionary<string, double> Weights(Dictionary<string, double> signals)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (signals.Count < 2)
        {
            return result;
        }

        var symbols = signals.Keys.ToArray();
        var ranks = CrossSection.AverageRanks(symbols.Select(s => signals[s]).ToArray());
        var centre = (symbols.Length - 1) / 2.0;
        var gross = ranks.Sum(r => Math.Abs(r - centre));
        if (gross == 0)
        {
            return result;
        }

        for (var i = 0; i < symbols.Length; i++)
        {
            result[symbols[i]] = (ranks[i] - centre) / gross;
        }

        return result;
    }

    private static double Turnover(Dictionary<string, double>? before, Dictionary<string, double> after)
    {
        before ??= [];
        return after.Keys.Union(before.Keys).Sum(s => Math.Abs(after.GetValueOrDefault(s) - before.GetValueOrDefault(s)));
    }

    /// <summary>Close-to-close return; 0 for a symbol without a bar today (its position earns nothing that day).</summary>
    private static double Return(string symbol, Dictionary<string, double> closes, Dictionary<string, Bar> bars) =>
        bars.TryGetValue(symbol, out var bar) && closes.TryGetValue(symbol, out var previous) ? (bar.Close / previous) - 1 : 0.0;
}

/// <summary>What a replay produced, day by day.</summary>
internal sealed class BacktestRun
{
    public List<DateOnly> Dates { get; } = [];

    public List<double> Gross { get; } = [];

    public List<double> Net { get; } = [];

    public List<double> Benchmark { get; } = [];

    /// <summary>Turnover of each rebalance (the first from flat).</summary>
    public List<double> Turnover { get; } = [];

    public List<double> Ic { get; } = [];

    /// <summary>The signals of each replayed close, in date order: what the tear sheet scores against later returns.</summary>
    public List<SignalDay> SignalDays { get; } = [];

    public List<double> RankIc { get; } = [];

    public List<string> Exceptions { get; } = [];

    public HashSet<string> Processed { get; } = new(StringComparer.Ordinal);

    public long ModelErrors { get; set; }

    public FamilyHealth? FinalHealth { get; set; }
}

/// <summary>One close's clamped, finite signals by symbol.</summary>
internal sealed record SignalDay(DateOnly Date, IReadOnlyDictionary<string, double> Signals);
