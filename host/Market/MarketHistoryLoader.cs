using AlphaHost.Abstractions;

namespace AlphaHost.Host.Market;

/// <summary>Reads a feed into whole histories for offline work (training, audits, backtests), validated like the daemon's.</summary>
internal static class MarketHistoryLoader
{
    /// <summary>Trading days read from a feed that never ends (the sample market) when no end date is given.</summary>
    public const int DefaultSampleDays = 1500;

    /// <param name="feed">The feed.</param>
    /// <param name="start">First date kept, or null for the feed's first.</param>
    /// <param name="end">Last date kept, or null for the feed's last (at most <see cref="DefaultSampleDays"/> days of an endless feed).</param>
    /// <param name="endless">Whether the feed never runs out (then an end is needed).</param>
    public static (MarketHistory History, IReadOnlyList<DataIssue> Issues) Load(IMarketFeed feed, DateOnly? start, DateOnly? end, bool endless)
    {
        // A bar folder holds its whole history already validated: taken as it is, not replayed day by day.
        return feed is BarFolderFeed folder ? (folder.History(start, end), folder.LoadIssues) : Replay(feed, start, end, endless);
    }

    /// <summary>Appends the feed's days one by one to a <see cref="MarketState"/>, validating each bar as the daemon does.</summary>
    public static (MarketHistory History, IReadOnlyList<DataIssue> Issues) Replay(IMarketFeed feed, DateOnly? start, DateOnly? end, bool endless)
    {
        var market = new MarketState(feed.Universe, feed.Benchmark, maxHistory: 1_000_000);
        var issues = new List<DataIssue>(feed.LoadIssues);
        var days = 0;
        while (feed.TryNextDay(out var day))
        {
            if (end is { } last && day.Date > last)
            {
                break;
            }

            if (start is { } first && day.Date < first)
            {
                continue;
            }

            issues.AddRange(market.Append(day).Rejected);
            if (endless && end is null && ++days >= DefaultSampleDays)
            {
                break;
            }
        }

        return (market.History(feed.Description), issues);
    }

    /// <summary>The first day the feed gives after <paramref name="date"/>, or null when it runs out first.</summary>
    public static DateOnly? FirstDayAfter(IMarketFeed feed, DateOnly date)
    {
        while (feed.TryNextDay(out var day))
        {
            if (day.Date > date)
            {
                return day.Date;
            }
        }

        return null;
    }

    /// <summary>The distinct dates of <paramref name="series"/> up to <paramref name="end"/>, ascending.</summary>
    public static DateOnly[] Calendar(IEnumerable<SymbolHistory> series, DateOnly end)
    {
        var dates = new HashSet<DateOnly>();
        foreach (var history in series)
        {
            foreach (var bar in history.Bars.Span)
            {
                if (bar.Date <= end)
                {
                    dates.Add(bar.Date);
                }
            }
        }

        return dates.Order().ToArray();
    }
}
