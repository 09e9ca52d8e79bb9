using AlphaHost.Abstractions;
using AlphaHost.Host.Market;

namespace AlphaHost.Tests.Support;

/// <summary>Snapshots of the built-in sample market, as the daemon would build them.</summary>
internal static class SampleSnapshots
{
    public static MarketState Market(int days, int symbols = 60, int seed = 7)
    {
        var feed = new SampleMarket(seed, symbols);
        var market = new MarketState(feed.Universe, feed.Benchmark);
        for (var i = 0; i < days; i++)
        {
            feed.TryNextDay(out var day);
            market.Append(day);
        }

        return market;
    }

    public static MarketSnapshot At(int days, int symbols = 60, int seed = 7) => Market(days, symbols, seed).Snapshot(days);

    public static SymbolHistory History(string symbol, params double[] closes) => new(
        new SymbolInfo(symbol, symbol, "Test"),
        closes.Select((c, i) => new Bar(new DateOnly(2020, 1, 1).AddDays(i), c, c, c, c, 1000)).ToArray());

    public static MarketSnapshot Of(SymbolHistory benchmark, params SymbolHistory[] symbols) =>
        new(1, benchmark.Last.Date, symbols, benchmark);
}
