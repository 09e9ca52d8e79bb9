using System.Globalization;

namespace AlphaHost.Host.Internal;

/// <summary>How operator messages write times: UTC to the second (<c>2026-12-07T18:05:31Z</c>), never 7 fractional digits.</summary>
internal static class OperatorText
{
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? at) => at is { } value ? Time(value) : "-";
}
