using AlphaHost.Host.Health;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Health;

public sealed class DataScheduleTests
{
    private static readonly TimeSpan Default = TimeSpan.FromHours(30);

    [Theory]
    [InlineData("2026-11-26", "2026-11-29T06:00:00Z")] // Thursday: Friday is due by Saturday 00:00, overdue 30 h later
    [InlineData("2026-11-27", "2026-12-02T06:00:00Z")] // Friday: the weekend is not due; Monday is, by Tuesday 00:00
    [InlineData("2026-11-28", "2026-12-02T06:00:00Z")] // a Saturday bar changes nothing: Monday is still next
    public void OverdueAt_IsTheEndOfTheNextWeekdayPlusTheDelay(string last, string overdueAt)
    {
        Assert.Equal(DateTimeOffset.Parse(overdueAt), DataSchedule.OverdueAt(DateOnly.Parse(last), Default));
    }

    [Fact]
    public void Idle_OneDayHolidayOnMonday_IsStillWaitingWhenTuesdaysEveningDropLands()
    {
        var friday = new DateOnly(2026, 11, 27);

        Assert.Equal(DataState.Waiting, DataSchedule.Idle(friday, Default, DateTimeOffset.Parse("2026-12-01T23:00:00Z")));
        Assert.Equal(DataState.Overdue, DataSchedule.Idle(friday, Default, DateTimeOffset.Parse("2026-12-02T06:00:01Z")));
    }

    [Fact]
    public void Idle_WholeWeekend_IsWaitingNotOverdue()
    {
        var friday = new DateOnly(2026, 11, 27);

        Assert.Equal(DataState.Waiting, DataSchedule.Idle(friday, TimeSpan.Zero, DateTimeOffset.Parse("2026-11-29T23:59:00Z")));
    }

    [Fact]
    public void Idle_FeedThatNeverDeliveredADay_IsOverdue()
    {
        Assert.Equal(DataState.Overdue, DataSchedule.Idle(null, Default, DateTimeOffset.Parse("2026-11-29T00:00:00Z")));
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
        Record(watch.NoNewDay(new DateOnly(2026, 11, 27), Default));       // caught up on Friday's bars on Monday evening
        Record(watch.NoNewDay(new DateOnly(2026, 11, 27), Default));
        clock.Advance(TimeSpan.FromHours(2));
        Record(watch.DayArrived());                                          // Monday's bars
        Record(watch.NoNewDay(new DateOnly(2026, 11, 30), Default));
        clock.SetUtcNow(DateTimeOffset.Parse("2026-12-03T06:00:01Z"));      // Tuesday's are overdue (Tuesday's end + 30 h)
        Record(watch.NoNewDay(new DateOnly(2026, 11, 30), Default));
        Record(watch.NoNewDay(new DateOnly(2026, 11, 30), Default));
        clock.Advance(TimeSpan.FromHours(1));
        var recovered = watch.DayArrived();
        Record(recovered);
        Record(watch.NoNewDay(new DateOnly(2026, 12, 1), Default));

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

        var overdue = watch.NoNewDay(friday, Default).Change;
        var raised = watch.NoNewDay(friday, TimeSpan.FromHours(72)).Change;

        Assert.Equal((DataChange.BecameOverdue, DataChange.Recovered, DataState.Waiting), (overdue, raised, watch.State));
    }
}
