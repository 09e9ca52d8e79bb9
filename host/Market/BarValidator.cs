using AlphaHost.Abstractions;

namespace AlphaHost.Host.Market;

/// <summary>The one rule for what a family may see: finite positive prices, low &lt;= high, dates strictly rising.</summary>
internal static class BarValidator
{
    /// <summary>Returns why the bar is bad, or null when it is good.</summary>
    public static string? Problem(in Bar bar, DateOnly? previousDate)
    {
        if (previousDate is { } previous && bar.Date <= previous)
        {
            return bar.Date == previous ? $"{bar.Date:yyyy-MM-dd}: duplicate date" : $"{bar.Date:yyyy-MM-dd}: date before {previous:yyyy-MM-dd} (unsorted)";
        }

        if (!IsPrice(bar.Open) || !IsPrice(bar.High) || !IsPrice(bar.Low) || !IsPrice(bar.Close))
        {
            return FormattableString.Invariant($"{bar.Date:yyyy-MM-dd}: prices must be finite and positive (open={bar.Open}, high={bar.High}, low={bar.Low}, close={bar.Close})");
        }

        if (bar.High < bar.Low)
        {
            return FormattableString.Invariant($"{bar.Date:yyyy-MM-dd}: high {bar.High} < low {bar.Low}");
        }

        return !double.IsFinite(bar.Volume) || bar.Volume < 0
            ? FormattableString.Invariant($"{bar.Date:yyyy-MM-dd}: volume must be finite and not negative, got {bar.Volume}")
            : null;
    }

    private static bool IsPrice(double value) => double.IsFinite(value) && value > 0;
}
