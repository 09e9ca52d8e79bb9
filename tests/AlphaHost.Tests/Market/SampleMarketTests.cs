using AlphaHost.Host.Market;

namespace AlphaHost.Tests.Market;

public sealed class SampleMarketTests
{
    [Fact]
    public void TryNextDay_SameSeed_SameMarket()
    {
        var a = new SampleMarket(42, 50);
        var b = new SampleMarket(42, 50);

        for (var i = 0; i < 100; i++)
        {
            a.TryNextDay(out var dayA);
            b.TryNextDay(out var dayB);
            Assert.Equal(dayA.Date, dayB.Date);
            Assert.Equal(dayA.Benchmark, dayB.Benchmark);
            Assert.Equal(dayA.Bars.OrderBy(kv => kv.Key), dayB.Bars.OrderBy(kv => kv.Key));
        }
    }

    [Fact]
    public void TryNextDay_OtherSeed_OtherMarket()
    {
        new SampleMarket(1, 50).TryNextDay(out var a);
        new SampleMarket(2, 50).TryNextDay(out var b);

        Assert.NotEqual(a.Benchmark, b.Benchmark);
    }

    [Fact]
    public void Universe_DefaultSize_SpansAllElevenSectorsWithUniqueTickers()
    {
        var market = new SampleMarket(42, 500);

        Assert.Equal(500, market.Universe.Select(s => s.Symbol).Distinct().Count());
        Assert.Equal(11, market.Universe.Select(s => s.Sector).Distinct().Count());
    }

    [Fact]
    public void TryNextDay_ThousandDays_ValidWeekdayBarsAndSomeLateListings()
    {
        var feed = new SampleMarket(42, 500);
        var market = new MarketState(feed.Universe, feed.Benchmark);
        var firstDayCount = 0;
        for (var i = 0; i < 1000; i++)
        {
            feed.TryNextDay(out var day);
            Assert.False(day.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
            var report = market.Append(day);
            Assert.Empty(report.Rejected);
            firstDayCount = i == 0 ? report.Fresh : firstDayCount;
        }

        Assert.InRange(firstDayCount, 400, 499);
        Assert.Equal(500, market.Snapshot(1000).Symbols.Count);
    }
}
