using AlphaHost.Host.Market.Calendars;

namespace AlphaHost.Host.Health;

/// <summary>What changed in the feed's state at one pass of the cycle loop; the loop logs each change once.</summary>
internal enum DataChange
{
    None,

    /// <summary>Replay reached the newest available day; waiting for the next (INFO).</summary>
    CaughtUp,

    /// <summary>A new day arrived while waiting (INFO).</summary>
    Resumed,

    /// <summary>The next day passed its overdue time (WARNING, once).</summary>
    BecameOverdue,

    /// <summary>No longer overdue: a day arrived, or a raised <c>market.max_data_delay</c> made the wait normal again (WARNING, once).</summary>
    Recovered,
}

/// <summary>Follows the feed's <see cref="DataState"/> from pass to pass of the cycle loop and says what changed.</summary>
internal sealed class DataWatch(TimeProvider clock)
{
    /// <summary>The state after the last pass; null before the first.</summary>
    public DataState? State { get; private set; }

    /// <summary>When <see cref="State"/> began.</summary>
    public DateTimeOffset Since { get; private set; }

    /// <summary>The last pass processed a new trading day.</summary>
    public (DataChange Change, TimeSpan After) DayArrived() => Move(DataState.Replaying);

    /// <summary>The last pass found no new trading day after <paramref name="last"/>.</summary>
    public (DataChange Change, TimeSpan After) NoNewDay(IExchangeCalendar calendar, DateOnly? last, TimeSpan maxDelay) =>
        Move(DataSchedule.Idle(calendar, last, maxDelay, clock.GetUtcNow()));

    private (DataChange, TimeSpan) Move(DataState next)
    {
        var now = clock.GetUtcNow();
        var (previous, since) = (State, Since);
        if (previous == next)
        {
            return (DataChange.None, TimeSpan.Zero);
        }

        (State, Since) = (next, now);
        var change = (previous, next) switch
        {
            (DataState.Overdue, _) => DataChange.Recovered,
            (_, DataState.Overdue) => DataChange.BecameOverdue,
            (DataState.Waiting, DataState.Replaying) => DataChange.Resumed,
            (_, DataState.Waiting) => DataChange.CaughtUp,
            _ => DataChange.None,
        };
        return (change, previous is null ? TimeSpan.Zero : now - since);
    }
}
