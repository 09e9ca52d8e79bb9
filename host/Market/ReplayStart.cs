namespace AlphaHost.Host.Market;

/// <summary>
/// Checks a replay start (<c>run --from</c>) against what a feed holds: the first cycle's day must be one the feed has,
/// and at least <c>market.warmup_days</c> trading days must come before it as history.
/// </summary>
internal static class ReplayStart
{
    /// <summary>Null when <paramref name="from"/> can start the replay, else the one-line reason.</summary>
    public static string? Problem(IMarketFeed feed, DateOnly from, int warmupDays)
    {
        if (feed.LastDay is { } last && from > last)
        {
            return $"--from {Text(from)} is after the last trading day {Text(last)} of the market data {feed.Description}";
        }

        if (warmupDays == 0)
        {
            return null;
        }

        if (feed.DateOf(warmupDays) is not { } earliest)
        {
            return $"--from {Text(from)}: the market data {feed.Description} holds fewer than market.warmup_days {warmupDays} + 1 trading days";
        }

        return from <= feed.DateOf(warmupDays - 1)
            ? $"--from {Text(from)} leaves fewer than market.warmup_days {warmupDays} trading days of history before it (the data starts {Text(feed.DateOf(0)!.Value)}); the earliest --from is {Text(earliest)}"
            : null;
    }

    private static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
