using AlphaHost.Abstractions;

namespace AlphaHost.Host.Market;

/// <summary>A source of trading days, oldest first. The replay clock advances it one day per cycle.</summary>
internal interface IMarketFeed
{
    /// <summary>A one-line description for logs, e.g. <c>sample(seed=42, symbols=500)</c>.</summary>
    string Description { get; }

    /// <summary>Every symbol the feed may deliver, with its sector.</summary>
    IReadOnlyList<SymbolInfo> Universe { get; }

    /// <summary>The benchmark's symbol info (e.g. SPY).</summary>
    SymbolInfo Benchmark { get; }

    /// <summary>Problems found while opening the feed, per symbol (bad rows, unreadable files).</summary>
    IReadOnlyList<DataIssue> LoadIssues { get; }

    /// <summary>Problems found in data that arrived after opening (e.g. appended bad rows); each is returned once.</summary>
    IReadOnlyList<DataIssue> TakeIssues() => [];

    /// <summary>
    /// Whether the next day is already held (history not replayed yet), so <see cref="TryNextDay"/> returns it without
    /// waiting for data; false for a feed that makes its days as it goes.
    /// </summary>
    bool HoldsNextDay => false;

    /// <summary>The date of the feed's <paramref name="index"/>-th trading day (0: its first), or null beyond the days it holds.</summary>
    DateOnly? DateOf(int index);

    /// <summary>The last trading day the feed holds now, or null when it never runs out.</summary>
    DateOnly? LastDay { get; }

    /// <summary>The next trading day, or false when no new day has arrived (yet).</summary>
    bool TryNextDay(out MarketDay day);
}
