namespace AlphaHost.Tests.Support;

/// <summary>Dates counted in weekdays, for bar folders whose last day must sit at a known distance from today.</summary>
internal static class Weekdays
{
    /// <summary>The date <paramref name="count"/> weekdays after (or, negative, before) <paramref name="date"/>.</summary>
    public static DateOnly From(DateOnly date, int count)
    {
        for (var step = Math.Sign(count); count != 0; count -= step)
        {
            do
            {
                date = date.AddDays(step);
            }
            while (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        }

        return date;
    }
}
