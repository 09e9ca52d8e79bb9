using AlphaHost.Host.Market.Calendars;

namespace AlphaHost.Host.Health;

/// <summary>The next session a caught-up feed waits for: when its bars are due, and when they are overdue.</summary>
/// <param name="Session">The first session of the calendar after the last processed day.</param>
/// <param name="Due">Its close (its bars can exist from then on).</param>
/// <param name="OverdueAt">Its close plus <c>market.max_data_delay</c>: later than this, the daemon turns HALTED.</param>
internal sealed record DataDue(DateOnly Session, DateTimeOffset Due, DateTimeOffset OverdueAt);

/// <summary>
/// When a missing trading day becomes overdue, on the exchange calendar <c>market.calendar</c> names. After the last
/// bar's date <c>D</c> the next session is the calendar's first session after <c>D</c> (weekends, holidays and special
/// closures are never due); it is due at its close and overdue once <c>market.max_data_delay</c> more has passed. With
/// <c>market.calendar: weekdays</c> every weekday is a session closing at the end of its UTC day.
/// </summary>
internal static class DataSchedule
{
    public static DataDue Next(IExchangeCalendar calendar, DateOnly last, TimeSpan maxDelay)
    {
        var session = calendar.NextSession(last);
        var due = calendar.Close(session);
        return new DataDue(session, due, due + maxDelay);
    }

    /// <summary>
    /// The state of a feed that delivered no new day: <see cref="DataState.Waiting"/> until the next session is overdue,
    /// then <see cref="DataState.Overdue"/>; a feed that never delivered a day (<paramref name="last"/> null) is overdue at once.
    /// </summary>
    public static DataState Idle(IExchangeCalendar calendar, DateOnly? last, TimeSpan maxDelay, DateTimeOffset now) =>
        last is { } date && now <= Next(calendar, date, maxDelay).OverdueAt ? DataState.Waiting : DataState.Overdue;

    /// <summary>How old the newest bar is: from its session's close (the calendar's last session on or before its date).</summary>
    public static TimeSpan Age(IExchangeCalendar calendar, DateOnly newest, DateTimeOffset now) =>
        now - calendar.Close(calendar.SessionOnOrBefore(newest));
}
