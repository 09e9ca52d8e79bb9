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

    [Fact]
    public void Append_LastBarForwardFilledUnderNewDates_IsStaleFromTheLimitOnNamedAndLeftOut()
    {
        var market = new MarketState(Universe, Spy);
        market.Append(Day(1, ("AAA", 10), ("BBB", 10), ("CCC", 10)), staleRepeatedBars: 3);

        var second = market.Append(Day(2, ("AAA", 10), ("BBB", 11), ("CCC", 11)), staleRepeatedBars: 3);
        var third = market.Append(Day(3, ("AAA", 10), ("BBB", 12), ("CCC", 12)), staleRepeatedBars: 3);

        Assert.Equal((3, 0), (second.Fresh, second.Stale));
        Assert.Equal((2, 1), (third.Fresh, third.Stale));
        Assert.Equal(["AAA"], third.StaleSymbols);
        Assert.Equal(["BBB", "CCC"], market.Snapshot(3).Symbols.Select(s => s.Symbol));
    }

    [Fact]
    public void Append_RepeatedBarThenANewOne_IsFreshAgain()
    {
        var market = new MarketState(Universe, Spy);
        DayReport? repeated = null;
        for (var d = 1; d <= 4; d++)
        {
            repeated = market.Append(Day(d, ("AAA", 10), ("BBB", 10 + d)), staleRepeatedBars: 3);
        }

        var report = market.Append(Day(5, ("AAA", 10.5), ("BBB", 20)), staleRepeatedBars: 3);

        Assert.Equal(["AAA"], repeated!.StaleSymbols);
        Assert.Empty(report.StaleSymbols);
        Assert.Contains(market.Snapshot(5).Symbols, s => s.Symbol == "AAA");
    }

    [Fact]
    public void Append_FlatZeroVolumeBarsFewerThanTheLimit_StayFresh()
    {
        var market = new MarketState(Universe, Spy);
        var flat = new Dictionary<string, double> { ["AAA"] = 0 };
        market.Append(Day(1, flat, ("AAA", 10), ("BBB", 10), ("CCC", 10)), staleRepeatedBars: 3);

        var report = market.Append(Day(2, flat, ("AAA", 10), ("BBB", 11), ("CCC", 11)), staleRepeatedBars: 3);

        Assert.Equal(3, report.Fresh);
        Assert.Empty(report.StaleSymbols);
    }

    [Fact]
    public void Append_SamePricesOtherVolume_IsNotARepeat()
    {
        var market = new MarketState(Universe, Spy);
        for (var d = 1; d <= 5; d++)
        {
            market.Append(Day(d, new Dictionary<string, double> { ["AAA"] = 100 + d }, ("AAA", 10), ("BBB", 10 + d), ("CCC", 10 + d)), staleRepeatedBars: 2);
        }

        Assert.Contains(market.Snapshot(5).Symbols, s => s.Symbol == "AAA");
    }

    [Fact]
    public void Append_RuleOff_RepeatedBarsStayFresh()
    {
        var market = new MarketState(Universe, Spy);
        DayReport? report = null;
        for (var d = 1; d <= 10; d++)
        {
            report = market.Append(Day(d, ("AAA", 10), ("BBB", 10), ("CCC", 10)), staleRepeatedBars: 0);
        }

        Assert.Equal(3, report!.Fresh);
        Assert.Empty(report.StaleSymbols);
    }

    [Fact]
    public void Append_MissingAndRepeatedSymbols_AreNamedTogetherInOrdinalOrder()
    {
        var market = new MarketState(Universe, Spy);
        market.Append(Day(1, ("AAA", 10), ("BBB", 10), ("CCC", 10)), staleRepeatedBars: 2);

        var report = market.Append(Day(2, ("BBB", 11), ("CCC", 10)), staleRepeatedBars: 2);

        Assert.Equal(2, report.Stale);
        Assert.Equal(["AAA", "CCC"], report.StaleSymbols);
    }

    private static MarketDay Day(int day, params (string Symbol, double Close)[] closes) => Day(day, new Dictionary<string, double>(), closes);

    /// <summary>A day of flat bars at each close, volume 100 unless <paramref name="volumes"/> says otherwise.</summary>
    private static MarketDay Day(int day, Dictionary<string, double> volumes, params (string Symbol, double Close)[] closes)
    {
        var date = new DateOnly(2020, 1, 1).AddDays(day);
        return new MarketDay(date, closes.ToDictionary(c => c.Symbol, c => new Bar(date, c.Close, c.Close, c.Close, c.Close, volumes.GetValueOrDefault(c.Symbol, 100))),
            new Bar(date, 300, 301, 299, 300, 1e6));
    }
}
