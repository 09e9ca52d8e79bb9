namespace AlphaHost.Host.Health;

/// <summary>
/// When a missing trading day becomes overdue. The day after the last bar's date <c>D</c> is the next weekday after
/// <c>D</c> (weekends are never due); it is due by the end of its own UTC day (a vendor's end-of-day drop lands before
/// then) and overdue once <c>market.max_data_delay</c> more has passed. With the default 30 h a one-day holiday is
/// within the rule: Friday's bar makes Monday due at Tuesday 00:00 UTC, overdue at Wednesday 06:00 UTC, by when a
/// Monday holiday's next bar (Tuesday evening's drop) has arrived.
/// </summary>
internal static class DataSchedule
{
    /// <summary>The next weekday after <paramref name="last"/>.</summary>
    public static DateOnly NextTradingDay(DateOnly last)
    {
        var next = last.AddDays(1);
        while (next.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            next = next.AddDays(1);
        }

        return next;
    }

    /// <summary>When the trading day after <paramref name="last"/> becomes overdue: the end of its UTC day plus <paramref name="maxDelay"/>.</summary>
    public static DateTimeOffset OverdueAt(DateOnly last, TimeSpan maxDelay) =>
        new DateTimeOffset(NextTradingDay(last).AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) + maxDelay;

    /// <summary>
    /// The state of a feed that delivered no new day: <see cref="DataState.Waiting"/> until the next day is overdue, then
    /// <see cref="DataState.Overdue"/>; a feed that never delivered a day (<paramref name="last"/> null) is overdue at once.
    /// </summary>
    public static DataState Idle(DateOnly? last, TimeSpan maxDelay, DateTimeOffset now) =>
        last is { } date && now <= OverdueAt(date, maxDelay) ? DataState.Waiting : DataState.Overdue;
}
