using System.Globalization;
using System.Text.RegularExpressions;

namespace AlphaHost.Abstractions;

/// <summary>Durations as configuration writes them: <c>250ms</c>, <c>2s</c>, <c>5m</c>, <c>1h</c>, or <c>hh:mm:ss</c>.</summary>
public static partial class DurationText
{
    /// <summary>Parses a duration; null when the text is not one.</summary>
    /// <param name="text">The text, e.g. <c>5m</c>.</param>
    public static TimeSpan? Parse(string text)
    {
        var match = Pattern().Match(text.Trim());
        if (match.Success)
        {
            var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return match.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                _ => TimeSpan.FromHours(amount),
            };
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
    }

    /// <summary>A duration the way configuration writes it: <c>250ms</c> below a second, else seconds.</summary>
    /// <param name="span">The duration.</param>
    public static string Format(TimeSpan span) => span.TotalSeconds < 1
        ? FormattableString.Invariant($"{span.TotalMilliseconds}ms")
        : FormattableString.Invariant($"{span.TotalSeconds}s");

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h)$")]
    private static partial Regex Pattern();
}
