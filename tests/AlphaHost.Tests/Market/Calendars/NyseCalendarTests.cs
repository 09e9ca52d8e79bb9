using AlphaHost.Host.Market;
using AlphaHost.Host.Market.Calendars;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Market.Calendars;

/// <summary>The XNYS calendar against the exchange's real trading days: SPY's 2000-2018 and the published 2025-2027 lists.</summary>
public sealed class NyseCalendarTests
{
    private static readonly NyseCalendar Xnys = NyseCalendar.Instance;

    [SharedDataFact]
    public void IsSession_2000To2018_IsExactlyEverySpyTradingDay()
    {
        var spy = BarFileReader.Read(Path.Combine(TestPaths.SharedData!, "benchmark_SPY.csv")).Bars.Select(b => b.Date).ToHashSet();
        var (first, last) = (spy.Min(), spy.Max());

        var sessions = new HashSet<DateOnly>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            if (Xnys.IsSession(day))
            {
                sessions.Add(day);
            }
        }

        Assert.Equal((new DateOnly(2000, 1, 3), new DateOnly(2018, 12, 31)), (first, last));
        Assert.Empty(spy.Except(sessions).Order());       // a SPY day the calendar calls closed
        Assert.Empty(sessions.Except(spy).Order());       // a session SPY did not trade
    }

    [Theory]
    [InlineData(2025, "2025-01-01 2025-01-09 2025-01-20 2025-02-17 2025-04-18 2025-05-26 2025-06-19 2025-07-04 2025-09-01 2025-11-27 2025-12-25")]
    [InlineData(2026, "2026-01-01 2026-01-19 2026-02-16 2026-04-03 2026-05-25 2026-06-19 2026-07-03 2026-09-07 2026-11-26 2026-12-25")]
    [InlineData(2027, "2027-01-01 2027-01-18 2027-02-15 2027-03-26 2027-05-31 2027-06-18 2027-07-05 2027-09-06 2027-11-25 2027-12-24")]
    public void IsSession_PublishedHolidayLists_AreTheWeekdaysClosed(int year, string published)
    {
        var closed = new List<DateOnly>();
        for (var day = new DateOnly(year, 1, 1); day.Year == year; day = day.AddDays(1))
        {
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !Xnys.IsSession(day))
            {
                closed.Add(day);
            }
        }

        Assert.Equal(published.Split(' ').Select(DateOnly.Parse), closed);
    }

    [Theory]
    [InlineData(2025, "2025-07-03 2025-11-28 2025-12-24")]
    [InlineData(2026, "2026-11-27 2026-12-24")]
    public void Close_PublishedEarlyCloses_AreAt1300NewYorkAndEveryOtherSessionAt1600(int year, string published)
    {
        var early = published.Split(' ').Select(DateOnly.Parse).ToHashSet();

        for (var day = new DateOnly(year, 1, 1); day.Year == year; day = day.AddDays(1))
        {
            if (Xnys.IsSession(day))
            {
                var hour = early.Contains(day) ? 13 : 16;
                Assert.Equal(NewYorkTime.ToUtc(day, new TimeOnly(hour, 0)), Xnys.Close(day));
            }
        }
    }

    [Theory]
    [InlineData("2021-12-31", true)]   // New Year's Day on a Saturday is not made up on the Friday before
    [InlineData("2017-01-02", false)]  // ... on a Sunday it is, on the Monday after
    [InlineData("2021-06-18", true)]   // Juneteenth only from 2022
    [InlineData("2022-06-20", false)]  // ... its first year, a Sunday observed on Monday
    [InlineData("1997-01-20", true)]   // Martin Luther King Jr. Day only from 1998
    public void IsSession_RuleEdges_FollowTheExchangesRules(string date, bool session)
    {
        Assert.Equal(session, Xnys.IsSession(DateOnly.Parse(date)));
    }

    [Fact]
    public void Easter_KnownYears_IsTheGregorianComputus()
    {
        Assert.Equal(
            ["2000-04-23", "2008-03-23", "2011-04-24", "2019-04-21", "2024-03-31", "2025-04-20", "2038-04-25"],
            new[] { 2000, 2008, 2011, 2019, 2024, 2025, 2038 }.Select(y => NyseCalendar.Easter(y).ToString("yyyy-MM-dd")));
    }

    [Fact]
    public void NewYorkTime_2000To2030_AgreesWithTheTimeZoneDatabase()
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById("America/New_York", out var zone))
        {
            return; // no time-zone database on this machine: nothing to compare with (the schedule itself needs none)
        }

        for (var day = new DateOnly(2000, 1, 1); day.Year <= 2030; day = day.AddDays(1))
        {
            var close = new TimeOnly(16, 0);
            var expected = TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(close), zone);
            Assert.Equal(new DateTimeOffset(expected, TimeSpan.Zero), NewYorkTime.ToUtc(day, close));
        }
    }
}
