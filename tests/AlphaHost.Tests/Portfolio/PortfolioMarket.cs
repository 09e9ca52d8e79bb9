using AlphaHost.Abstractions;

namespace AlphaHost.Tests.Portfolio;

/// <summary>A constructed market for the portfolio tests: each stock's daily return is its beta times the benchmark's plus its own noise.</summary>
internal static class PortfolioMarket
{
    public static readonly DateOnly Start = new(2020, 1, 1);

    /// <summary>Closes from daily returns, one bar a day from <see cref="Start"/>.</summary>
    public static SymbolHistory History(string symbol, string sector, IReadOnlyList<double> returns)
    {
        var bars = new Bar[returns.Count + 1];
        var close = 100.0;
        bars[0] = new Bar(Start, close, close, close, close, 1_000);
        for (var t = 0; t < returns.Count; t++)
        {
            close *= 1 + returns[t];
            bars[t + 1] = new Bar(Start.AddDays(t + 1), close, close, close, close, 1_000);
        }

        return new SymbolHistory(new SymbolInfo(symbol, symbol, sector), bars);
    }

    /// <summary>Stocks with the given betas and their own noise (a third of the benchmark's volatility) over <paramref name="days"/> days.</summary>
    public static MarketSnapshot WithBetas(IReadOnlyList<double> betas, int days = 120, int seed = 7, IReadOnlyList<string>? sectors = null)
    {
        var random = new Random(seed);
        var market = Enumerable.Range(0, days).Select(_ => Normal(random) * 0.01).ToArray();
        var symbols = betas.Select((beta, i) => History($"S{i:D2}", sectors?[i] ?? "Unknown",
            market.Select(m => (beta * m) + (Normal(random) * 0.003)).ToArray())).ToArray();
        return new MarketSnapshot(days, Start.AddDays(days), symbols, History("SPY", "Benchmark", market));
    }

    /// <summary>Stocks whose returns alternate +v, -v (their volatility is proportional to v).</summary>
    public static MarketSnapshot WithVolatilities(IReadOnlyDictionary<string, double> volatilities, int days = 120)
    {
        var symbols = volatilities.Select(p => History(p.Key, "Unknown", Enumerable.Range(0, days).Select(t => t % 2 == 0 ? p.Value : -p.Value).ToArray())).ToArray();
        return new MarketSnapshot(days, Start.AddDays(days), symbols, History("SPY", "Benchmark", new double[days]));
    }

    public static Dictionary<string, double> RandomSignals(Random random, IEnumerable<string> symbols) =>
        symbols.ToDictionary(s => s, _ => Math.Round(random.NextDouble() * 2 - 1, 2), StringComparer.Ordinal);

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
