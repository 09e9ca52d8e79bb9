using AlphaHost.Abstractions;
using AlphaHost.Host.Market;

namespace AlphaHost.Tests.Market;

public sealed class MarketStateTests
{
    private static readonly SymbolInfo Spy = new("SPY", "Index", "Benchmark");
    private static readonly SymbolInfo[] Universe = [new("AAA", "A", "Tech"), new("BBB", "B", "Energy"), new("CCC", "C", "Energy")];

    [Fact]
    public void Append_BadBar_IsRejectedAndNeverReachesTheSnapshot()
    {
        var market = new MarketState(Universe, Spy);
        market.Append(Day(1, ("AAA", 10), ("BBB", 10), ("CCC", 10)));

        var report = market.Append(Day(2, ("AAA", double.NaN), ("BBB", 11), ("CCC", 12)));
        var snapshot = market.Snapshot(2);

        Assert.Equal("AAA", Assert.Single(report.Rejected).Symbol);
        Assert.DoesNotContain(snapshot.Symbols, s => s.Symbol == "AAA");
        Assert.All(snapshot.Symbols, s => Assert.All(s.Bars.ToArray(), b => Assert.True(double.IsFinite(b.Close))));
    }

    [Fact]
    public void Append_PartOfUniverseMissing_CountsStaleAndLeavesThemOut()
    {
        var market = new MarketState(Universe, Spy);
        market.Append(Day(1, ("AAA", 10), ("BBB", 10), ("CCC", 10)));

        var report = market.Append(Day(2, ("AAA", 11)));

        Assert.Equal(1, report.Fresh);
        Assert.Equal(2, report.Stale);
        Assert.Equal(["AAA"], market.Snapshot(2).Symbols.Select(s => s.Symbol));
    }

    [Fact]
    public void Snapshot_TakenEarlier_DoesNotSeeLaterBars()
    {
        var market = new MarketState(Universe, Spy);
        market.Append(Day(1, ("AAA", 10)));
        var early = market.Snapshot(1);

        for (var d = 2; d < 1000; d++)
        {
            market.Append(Day(d, ("AAA", 10 + d)));
        }

        Assert.Equal(1, early.Symbols[0].Count);
        Assert.Equal(10, early.Symbols[0].Last.Close);
        Assert.Equal(1, early.Benchmark.Count);
    }

    [Fact]
    public void Append_BeyondMaxHistory_KeepsAtLeastMaxBarsAndOldSnapshotsIntact()
    {
        var market = new MarketState(Universe, Spy, maxHistory: 100);
        MarketSnapshot? old = null;
        for (var d = 1; d <= 1000; d++)
        {
            market.Append(Day(d, ("AAA", d)));
            old = d == 150 ? market.Snapshot(d) : old;
        }

        var history = market.Snapshot(1000).Symbols[0];
        Assert.InRange(history.Count, 100, 200);
        Assert.Equal(1000, history.Last.Close);
        Assert.Equal(Enumerable.Range(1001 - history.Count, history.Count).Select(c => (double)c), history.Bars.ToArray().Select(b => b.Close));
        Assert.Equal(150, old!.Symbols[0].Last.Close);
        Assert.Equal(150, old.Symbols[0].Count);
    }

    [Fact]
    public void Append_UnknownSymbol_IsCountedNotAdded()
    {
        var market = new MarketState(Universe, Spy);

        var report = market.Append(Day(1, ("AAA", 10), ("ZZZ", 10)));

        Assert.Equal(1, report.UnknownSymbols);
        Assert.Equal(["AAA"], market.Snapshot(1).Symbols.Select(s => s.Symbol));
    }

    private static MarketDay Day(int day, params (string Symbol, double Close)[] closes)
    {
        var date = new DateOnly(2020, 1, 1).AddDays(day);
        return new MarketDay(date, closes.ToDictionary(c => c.Symbol, c => new Bar(date, c.Close, c.Close, c.Close, c.Close, 100)),
            new Bar(date, 300, 301, 299, 300, 1e6));
    }
}
