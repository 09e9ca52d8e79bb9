using AlphaHost.Abstractions;
using AlphaHost.Host.Market;

namespace AlphaHost.Host.Backtest;

/// <summary>
/// Walks a history day by day into a <see cref="MarketState"/>, as the daemon's cycles grow theirs: every day before the
/// window is history, and each day of the window is handed out with its bars and the daemon's snapshot of that close.
/// </summary>
internal static class MarketReplay
{
    /// <summary>The trading days of the window in <paramref name="history"/>' calendar (the benchmark's when it has one).</summary>
    public static int TradingDays(MarketHistory history, DatePeriod window) => Calendar(history, window).Count(d => d >= window.Start);

    public static IEnumerable<ReplayDay> Days(MarketHistory history, DatePeriod window)
    {
        var universe = history.Symbols.Select(s => s.Info).ToArray();
        var benchmarkInfo = history.Benchmark?.Info ?? new SymbolInfo("SPY", "Benchmark", "Benchmark");
        var market = new MarketState(universe, benchmarkInfo, maxHistory: 1_000_000);
        var cursors = new int[history.Symbols.Count];
        var benchmarkCursor = 0;
        var cycle = 0;
        foreach (var date in Calendar(history, window))
        {
            var bars = new Dictionary<string, Bar>(StringComparer.Ordinal);
            for (var s = 0; s < history.Symbols.Count; s++)
            {
                if (At(history.Symbols[s].Bars.Span, date, ref cursors[s]) is { } bar)
                {
                    bars[history.Symbols[s].Symbol] = bar;
                }
            }

            var benchmarkBar = history.Benchmark is { } benchmark ? At(benchmark.Bars.Span, date, ref benchmarkCursor) : null;
            market.Append(new MarketDay(date, bars, benchmarkBar));
            if (date >= window.Start)
            {
                yield return new ReplayDay(date, bars, benchmarkBar, market.Snapshot(++cycle));
            }
        }
    }

    private static DateOnly[] Calendar(MarketHistory history, DatePeriod window) =>
        MarketHistoryLoader.Calendar(history.Benchmark is { } index ? [index] : history.Symbols, window.End);

    /// <summary>The bar dated <paramref name="date"/>, moving <paramref name="cursor"/> past it; null when the series has none that day.</summary>
    private static Bar? At(ReadOnlySpan<Bar> bars, DateOnly date, ref int cursor)
    {
        while (cursor < bars.Length && bars[cursor].Date < date)
        {
            cursor++;
        }

        return cursor < bars.Length && bars[cursor].Date == date ? bars[cursor++] : null;
    }
}

/// <summary>One close of the window: its bars (by symbol), the benchmark's, and the snapshot the families compute on.</summary>
internal sealed record ReplayDay(DateOnly Date, IReadOnlyDictionary<string, Bar> Bars, Bar? Benchmark, MarketSnapshot Snapshot);
