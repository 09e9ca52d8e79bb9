namespace AlphaHost.Host.Market.Calendars;

/// <summary>The trading sessions of a market and when each closes: what the live data schedule waits for.</summary>
internal interface IExchangeCalendar
{
    /// <summary>The <c>market.calendar</c> value that names it.</summary>
    string Name { get; }

    bool IsSession(DateOnly date);

    /// <summary>When <paramref name="session"/> closes (its bars can exist from then on).</summary>
    DateTimeOffset Close(DateOnly session);
}

/// <summary>The calendars <c>market.calendar</c> names, and what every calendar answers alike.</summary>
internal static class ExchangeCalendars
{
    public const string Nyse = "XNYS";
    public const string WeekdaysName = "weekdays";

    /// <summary>The values <c>market.calendar</c> accepts, the default first.</summary>
    public static readonly string[] Names = [Nyse, WeekdaysName];

    public static IExchangeCalendar Named(string name) => name switch
    {
        WeekdaysName => WeekdayCalendar.Instance,
        _ => NyseCalendar.Instance,
    };

    /// <summary>The first session after <paramref name="date"/>.</summary>
    public static DateOnly NextSession(this IExchangeCalendar calendar, DateOnly date)
    {
        var next = date.AddDays(1);
        while (!calendar.IsSession(next))
        {
            next = next.AddDays(1);
        }

        return next;
    }

    /// <summary>The last session on or before <paramref name="date"/>.</summary>
    public static DateOnly SessionOnOrBefore(this IExchangeCalendar calendar, DateOnly date)
    {
        while (!calendar.IsSession(date))
        {
            date = date.AddDays(-1);
        }

        return date;
    }
}

/// <summary>Every Monday to Friday is a session, closing at the end of its UTC day: the schedule before calendars.</summary>
internal sealed class WeekdayCalendar : IExchangeCalendar
{
    public static readonly WeekdayCalendar Instance = new();

    private WeekdayCalendar()
    {
    }

    public string Name => ExchangeCalendars.WeekdaysName;

    public bool IsSession(DateOnly date) => date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    public DateTimeOffset Close(DateOnly session) => new(session.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
