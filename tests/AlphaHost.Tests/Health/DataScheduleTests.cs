using AlphaHost.Host.Health;
using AlphaHost.Host.Market.Calendars;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Health;

public sealed class DataScheduleTests
{
    private static readonly TimeSpan Default = TimeSpan.FromHours(30);
    private static readonly IExchangeCalendar Weekdays = WeekdayCalendar.Instance;
    private static readonly IExchangeCalendar Xnys = NyseCalendar.Instance;

    [Theory]
    [InlineData("2026-12-04", "2026-12-07", "2026-12-07T21:00:00Z")] // Friday: Monday, its 16:00 New York close (EST)
    [InlineData("2026-11-25", "2026-11-27", "2026-11-27T18:00:00Z")] // Thanksgiving: the day after, an early close (13:00)
    [InlineData("2026-12-24", "2026-12-28", "2026-12-28T21:00:00Z")] // Christmas Eve: Christmas and the weekend are no sessions
    [InlineData("2026-07-02", "2026-07-06", "2026-07-06T20:00:00Z")] // July 3 observes a Saturday July 4 (EDT close)
    [InlineData("2001-09-10", "2001-09-17", "2001-09-17T20:00:00Z")] // September 11: closed four days
    [InlineData("2012-10-26", "2012-10-31", "2012-10-31T20:00:00Z")] // Hurricane Sandy
    public void Next_Xnys_IsTheNextSessionDueAtItsCloseAndOverdueTheDelayLater(string last, string session, string due)
    {
        var next = DataSchedule.Next(Xnys, DateOnly.Parse(last), Default);

        Assert.Equal((DateOnly.Parse(session), DateTimeOffset.Parse(due), DateTimeOffset.Parse(due) + Default), (next.Session, next.Due, next.OverdueAt));
    }

    [Fact]
    public void Idle_ChristmasLongWeekend_IsWaitingOnXnysWhereWeekdaysAreOverdue()
    {
        var christmasEve = new DateOnly(2026, 12, 24);
        var sunday = DateTimeOffset.Parse("2026-12-27T12:00:00Z");

        Assert.Equal(DataState.Overdue, DataSchedule.Idle(Weekdays, christmasEve, Default, sunday));
        Assert.Equal(DataState.Waiting, DataSchedule.Idle(Xnys, christmasEve, Default, sunday));
        Assert.Equal(DataState.Overdue, DataSchedule.Idle(Xnys, christmasEve, Default, DateTimeOffset.Parse("2026-12-30T03:00:01Z")));
    }

    [Fact]
    public void Age_BarsThreeDaysOld_IsCountedFromTheirSessionsClose()
    {
        var monday = DateTimeOffset.Parse("2026-12-07T21:00:00Z");

        Assert.Equal(TimeSpan.FromDays(3), DataSchedule.Age(Xnys, new DateOnly(2026, 12, 4), monday));
        Assert.Equal(TimeSpan.FromHours(72 - 3), DataSchedule.Age(Weekdays, new DateOnly(2026, 12, 4), monday));
    }

    [Theory]
    [InlineData("2026-11-26", "2026-11-29T06:00:00Z")] // Thursday: Friday is due by Saturday 00:00, overdue 30 h later
    [InlineData("2026-11-27", "2026-12-02T06:00:00Z")] // Friday: the weekend is not due; Monday is, by Tuesday 00:00
    [InlineData("2026-11-28", "2026-12-02T06:00:00Z")] // a Saturday bar changes nothing: Monday is still next
    public void Next_Weekdays_OverdueAtIsTheEndOfTheNextWeekdayPlusTheDelay(string last, string overdueAt)
    {
        Assert.Equal(DateTimeOffset.Parse(overdueAt), DataSchedule.Next(Weekdays, DateOnly.Parse(last), Default).OverdueAt);
    }

    [Fact]
    public void Idle_Weekdays_OneDayHolidayOnMonday_IsStillWaitingWhenTuesdaysEveningDropLands()
    {
        var friday = new DateOnly(2026, 11, 27);

        Assert.Equal(DataState.Waiting, DataSchedule.Idle(Weekdays, friday, Default, DateTimeOffset.Parse("2026-12-01T23:00:00Z")));
        Assert.Equal(DataState.Overdue, DataSchedule.Idle(Weekdays, friday, Default, DateTimeOffset.Parse("2026-12-02T06:00:01Z")));
    }

    [Fact]
    public void Idle_WholeWeekend_IsWaitingNotOverdue()
    {
        var friday = new DateOnly(2026, 11, 27);

        Assert.Equal(DataState.Waiting, DataSchedule.Idle(Weekdays, friday, TimeSpan.Zero, DateTimeOffset.Parse("2026-11-29T23:59:00Z")));
    }

    [Fact]
    public void Idle_FeedThatNeverDeliveredADay_IsOverdue()
    {
        Assert.Equal(DataState.Overdue, DataSchedule.Idle(Weekdays, null, Default, DateTimeOffset.Parse("2026-11-29T00:00:00Z")));
    }

    [Fact]
    public void DataWatch_ReplayCatchUpNewDayOverdueRecovered_ReportsEachChangeOnce()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T20:00:00Z"));
        var watch = new DataWatch(clock);
        var changes = new List<(DataChange, DataState?)>();
        void Record((DataChange Change, TimeSpan After) step) => changes.Add((step.Change, watch.State));

        Record(watch.DayArrived());                                          // replaying history
        Record(watch.DayArrived());
        Record(watch.NoNewDay(Weekdays, new DateOnly(2026, 11, 27), Default));       // caught up on Friday's bars on Monday evening
        Record(watch.NoNewDay(Weekdays, new DateOnly(2026, 11, 27), Default));
        clock.Advance(TimeSpan.FromHours(2));
        Record(watch.DayArrived());                                          // Monday's bars
        Record(watch.NoNewDay(Weekdays, new DateOnly(2026, 11, 30), Default));
        clock.SetUtcNow(DateTimeOffset.Parse("2026-12-03T06:00:01Z"));      // Tuesday's are overdue (Tuesday's end + 30 h)
        Record(watch.NoNewDay(Weekdays, new DateOnly(2026, 11, 30), Default));
        Record(watch.NoNewDay(Weekdays, new DateOnly(2026, 11, 30), Default));
        clock.Advance(TimeSpan.FromHours(1));
        var recovered = watch.DayArrived();
        Record(recovered);
        Record(watch.NoNewDay(Weekdays, new DateOnly(2026, 12, 1), Default));

        Assert.Equal(
        [
            (DataChange.None, DataState.Replaying), (DataChange.None, DataState.Replaying),
            (DataChange.CaughtUp, DataState.Waiting), (DataChange.None, DataState.Waiting),
            (DataChange.Resumed, DataState.Replaying), (DataChange.CaughtUp, DataState.Waiting),
            (DataChange.BecameOverdue, DataState.Overdue), (DataChange.None, DataState.Overdue),
            (DataChange.Recovered, DataState.Replaying), (DataChange.CaughtUp, DataState.Waiting),
        ], changes);
        Assert.Equal(TimeSpan.FromHours(1), recovered.After);
    }

    [Fact]
    public void DataWatch_OverdueThenTheDelayIsRaised_RecoversWithoutNewData()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-02T07:00:00Z"));
        var watch = new DataWatch(clock);
        var friday = new DateOnly(2026, 11, 27);

        var overdue = watch.NoNewDay(Weekdays, friday, Default).Change;
        var raised = watch.NoNewDay(Weekdays, friday, TimeSpan.FromHours(72)).Change;

        Assert.Equal((DataChange.BecameOverdue, DataChange.Recovered, DataState.Waiting), (overdue, raised, watch.State));
    }
}
