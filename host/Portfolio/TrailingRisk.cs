using AlphaHost.Abstractions;

namespace AlphaHost.Host.Portfolio;

/// <summary>
/// Each symbol's volatility and beta to the benchmark over the last <c>window</c> daily close-to-close returns of the
/// snapshot (nothing after its close). A symbol with fewer than half a window of returns gets the cross-section's median,
/// so a new listing is neither dropped nor given an extreme weight.
/// </summary>
internal static class TrailingRisk
{
    public static Dictionary<string, double> Volatility(MarketSnapshot snapshot, IEnumerable<string> symbols, int window)
    {
        var histories = ByName(snapshot);
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var symbol in symbols)
        {
            var returns = histories.TryGetValue(symbol, out var history) ? Returns(history, window).Select(r => r.Return).ToArray() : [];
            result[symbol] = returns.Length >= Math.Max(2, window / 2) && StdDev(returns) is var vol && vol > 0 ? vol : double.NaN;
        }

        return FillMedian(result);
    }

    public static Dictionary<string, double> Beta(MarketSnapshot snapshot, IEnumerable<string> symbols, int window)
    {
        var histories = ByName(snapshot);
        var market = Returns(snapshot.Benchmark, window).ToDictionary(r => r.Date, r => r.Return);
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var symbol in symbols)
        {
            var pairs = histories.TryGetValue(symbol, out var history)
                ? Returns(history, window).Where(r => market.ContainsKey(r.Date)).Select(r => (Stock: r.Return, Market: market[r.Date])).ToArray()
                : [];
            result[symbol] = pairs.Length >= Math.Max(2, window / 2) ? Slope(pairs) : double.NaN;
        }

        return FillMedian(result);
    }

    private static Dictionary<string, SymbolHistory> ByName(MarketSnapshot snapshot)
    {
        var result = new Dictionary<string, SymbolHistory>(snapshot.Symbols.Count, StringComparer.Ordinal);
        foreach (var history in snapshot.Symbols)
        {
            result[history.Symbol] = history;
        }

        return result;
    }

    /// <summary>The last <paramref name="window"/> returns of a history, each dated by the later of its two closes.</summary>
    private static IEnumerable<(DateOnly Date, double Return)> Returns(SymbolHistory history, int window)
    {
        var bars = history.Bars;
        for (var i = Math.Max(1, bars.Length - window); i < bars.Length; i++)
        {
            var previous = bars.Span[i - 1].Close;
            if (previous > 0)
            {
                yield return (bars.Span[i].Date, (bars.Span[i].Close / previous) - 1);
            }
        }
    }

    private static double StdDev(double[] x)
    {
        var mean = x.Average();
        return Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1));
    }

    private static double Slope((double Stock, double Market)[] pairs)
    {
        var mx = pairs.Average(p => p.Market);
        var my = pairs.Average(p => p.Stock);
        var variance = pairs.Sum(p => (p.Market - mx) * (p.Market - mx));
        return variance > 0 ? pairs.Sum(p => (p.Market - mx) * (p.Stock - my)) / variance : double.NaN;
    }

    private static Dictionary<string, double> FillMedian(Dictionary<string, double> values)
    {
        var known = values.Values.Where(double.IsFinite).Order().ToArray();
        var median = known.Length == 0 ? 1.0 : known[known.Length / 2];
        foreach (var symbol in values.Keys.ToArray())
        {
            if (!double.IsFinite(values[symbol]))
            {
                values[symbol] = median;
            }
        }

        return values;
    }
}
