namespace AlphaHost.Host.Market.Calendars;

/// <summary>
/// The New York Stock Exchange (<c>XNYS</c>): weekdays less its holidays and special closures, closing 16:00 New York
/// time, 13:00 on its early-close days. Holidays follow the exchange's rules (Rule 7.2): New Year's Day (on a Sunday
/// the Monday after; on a Saturday not made up), Martin Luther King Jr. Day (third Monday of January, from 1998),
/// Washington's Birthday (third Monday of February), Good Friday, Memorial Day (last Monday of May), Juneteenth (June 19,
/// from 2022), Independence Day, Labor Day (first Monday of September), Thanksgiving (fourth Thursday of November) and
/// Christmas; June 19, July 4 and December 25 on a Saturday move to the Friday before, on a Sunday to the Monday after.
/// Early closes: July 3 when it is a Monday to Thursday, the day after Thanksgiving, and December 24 when it is a Monday
/// to Thursday. Checked against every SPY trading day 2000-2018 and the exchange's published 2025-2026 lists (tests).
/// </summary>
internal sealed class NyseCalendar : IExchangeCalendar
{
    public static readonly NyseCalendar Instance = new();

    /// <summary>Days the exchange closed outside its rules since 2000.</summary>
    private static readonly HashSet<DateOnly> SpecialClosures =
    [
        new(2001, 9, 11), new(2001, 9, 12), new(2001, 9, 13), new(2001, 9, 14), // September 11
        new(2004, 6, 11),                                                          // President Reagan's funeral
        new(2007, 1, 2),                                                           // President Ford's day of mourning
        new(2012, 10, 29), new(2012, 10, 30),                                      // Hurricane Sandy
        new(2018, 12, 5),                                                          // President G. H. W. Bush's day of mourning
        new(2025, 1, 9),                                                           // President Carter's day of mourning
    ];

    private static readonly TimeOnly RegularClose = new(16, 0);
    private static readonly TimeOnly EarlyClose = new(13, 0);

    private NyseCalendar()
    {
    }

    public string Name => ExchangeCalendars.Nyse;

    public bool IsSession(DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !IsHoliday(date) && !SpecialClosures.Contains(date);

    public DateTimeOffset Close(DateOnly session) => NewYorkTime.ToUtc(session, IsEarlyClose(session) ? EarlyClose : RegularClose);

    public static bool IsEarlyClose(DateOnly date) => date switch
    {
        { Month: 7, Day: 3 } => date.DayOfWeek is >= DayOfWeek.Monday and <= DayOfWeek.Thursday,
        { Month: 12, Day: 24 } => date.DayOfWeek is >= DayOfWeek.Monday and <= DayOfWeek.Thursday,
        { Month: 11 } => date.AddDays(-1) == Nth(date.Year, 11, DayOfWeek.Thursday, 4),
        _ => false,
    };

    public static bool IsHoliday(DateOnly date)
    {
        var year = date.Year;
        return date == NewYear(year)
            || (year >= 1998 && date == Nth(year, 1, DayOfWeek.Monday, 3))
            || date == Nth(year, 2, DayOfWeek.Monday, 3)
            || date == Easter(year).AddDays(-2)
            || date == Last(year, 5, DayOfWeek.Monday)
            || (year >= 2022 && date == Observed(new DateOnly(year, 6, 19)))
            || date == Observed(new DateOnly(year, 7, 4))
            || date == Nth(year, 9, DayOfWeek.Monday, 1)
            || date == Nth(year, 11, DayOfWeek.Thursday, 4)
            || date == Observed(new DateOnly(year, 12, 25));
    }

    /// <summary>January 1, or the Monday after when it is a Sunday; on a Saturday there is no holiday (Rule 7.2).</summary>
    private static DateOnly NewYear(int year)
    {
        var day = new DateOnly(year, 1, 1);
        return day.DayOfWeek == DayOfWeek.Sunday ? day.AddDays(1) : day;
    }

    private static DateOnly Observed(DateOnly day) => day.DayOfWeek switch
    {
        DayOfWeek.Saturday => day.AddDays(-1),
        DayOfWeek.Sunday => day.AddDays(1),
        _ => day,
    };

    private static DateOnly Nth(int year, int month, DayOfWeek weekday, int n)
    {
        var first = new DateOnly(year, month, 1);
        return first.AddDays((((int)weekday - (int)first.DayOfWeek + 7) % 7) + (7 * (n - 1)));
    }

    private static DateOnly Last(int year, int month, DayOfWeek weekday)
    {
        var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        return last.AddDays(-(((int)last.DayOfWeek - (int)weekday + 7) % 7));
    }

    /// <summary>Western Easter Sunday (the anonymous Gregorian computus, Meeus/Jones/Butcher).</summary>
    internal static DateOnly Easter(int year)
    {
        int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
        int h = ((19 * a) + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        int m = (a + (11 * h) + (22 * l)) / 451;
        return new DateOnly(year, (h + l - (7 * m) + 114) / 31, ((h + l - (7 * m) + 114) % 31) + 1);
    }
}
