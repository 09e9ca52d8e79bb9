using System.Globalization;
using System.Text.RegularExpressions;

namespace AlphaHost.Abstractions;

/// <summary>Durations as configuration writes them: <c>250ms</c>, <c>2s</c>, <c>5m</c>, <c>1h</c>, or <c>hh:mm:ss</c>.</summary>
public static partial class DurationText
{
    /// <summary>Parses a duration; null when the text is not one. A duration too long to represent reads as <see cref="TimeSpan.MaxValue"/>.</summary>
    /// <param name="text">The text, e.g. <c>5m</c>.</param>
    public static TimeSpan? Parse(string text)
    {
        var match = Pattern().Match(text.Trim());
        if (match.Success)
        {
            var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var milliseconds = amount * match.Groups[2].Value switch
            {
                "ms" => 1.0,
                "s" => 1_000.0,
                "m" => 60_000.0,
                _ => 3_600_000.0,
            };
            return milliseconds >= TimeSpan.MaxValue.TotalMilliseconds ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(milliseconds);
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
    }

    /// <summary>
    /// A duration the way configuration writes it: <c>250ms</c> below a second, else in the largest whole unit
    /// (<c>30h</c>, <c>5m</c>, <c>90s</c>), else in seconds (<c>1.5s</c>).
    /// </summary>
    /// <param name="span">The duration.</param>
    public static string Format(TimeSpan span) =>
        span.TotalSeconds < 1 ? FormattableString.Invariant($"{span.TotalMilliseconds}ms")
        : span.Ticks % TimeSpan.TicksPerHour == 0 ? FormattableString.Invariant($"{span.TotalHours}h")
        : span.Ticks % TimeSpan.TicksPerMinute == 0 ? FormattableString.Invariant($"{span.TotalMinutes}m")
        : FormattableString.Invariant($"{span.TotalSeconds}s");

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h)$")]
    private static partial Regex Pattern();
}
