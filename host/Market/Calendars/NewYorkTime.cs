namespace AlphaHost.Host.Market.Calendars;

/// <summary>
/// New York wall-clock time to UTC by the US daylight-saving rules (from 2007: second Sunday of March to first Sunday of
/// November; before: first Sunday of April to last Sunday of October), so the schedule needs no time-zone database on
/// the machine. Only afternoon times are converted (session closes), far from the 02:00 switch.
/// </summary>
internal static class NewYorkTime
{
    private static readonly TimeSpan Standard = TimeSpan.FromHours(-5);
    private static readonly TimeSpan Daylight = TimeSpan.FromHours(-4);

    public static DateTimeOffset ToUtc(DateOnly date, TimeOnly time) =>
        new DateTimeOffset(date.ToDateTime(time), IsDaylight(date) ? Daylight : Standard).ToUniversalTime();

    public static bool IsDaylight(DateOnly date)
    {
        var (start, end) = date.Year >= 2007
            ? (Sunday(date.Year, 3, 2), Sunday(date.Year, 11, 1))
            : (Sunday(date.Year, 4, 1), LastSunday(date.Year, 10));
        return date >= start && date < end;
    }

    private static DateOnly Sunday(int year, int month, int n)
    {
        var first = new DateOnly(year, month, 1);
        return first.AddDays(((7 - (int)first.DayOfWeek) % 7) + (7 * (n - 1)));
    }

    private static DateOnly LastSunday(int year, int month)
    {
        var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        return last.AddDays(-(int)last.DayOfWeek);
    }
}
