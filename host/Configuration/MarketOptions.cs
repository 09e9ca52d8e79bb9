namespace AlphaHost.Host.Configuration;

/// <summary>The <c>market:</c> section.</summary>
internal sealed record MarketOptions
{
    /// <summary><c>sample</c> (the built-in deterministic market) or <c>bars</c> (a bar folder).</summary>
    /// <value>The default value is <c>sample</c>.</value>
    public string Source { get; init; } = "sample";

    /// <summary>The bar folder, for <c>source: bars</c>; relative paths are resolved against the config file's folder.</summary>
    /// <value>The default value is empty.</value>
    public string DataDir { get; init; } = "";

    /// <summary>Trading days loaded as history before the first cycle.</summary>
    /// <value>The default value is 300.</value>
    public int WarmupDays { get; init; } = 300;

    /// <summary>Bars kept per symbol in memory (at least this many, at most twice); bounds a long-running daemon's memory.</summary>
    /// <value>The default value is 1260 (five years).</value>
    public int MaxHistoryDays { get; init; } = 1260;

    /// <summary>
    /// The exchange calendar of the live data schedule: <c>XNYS</c> (New York Stock Exchange sessions, holidays, early
    /// closes and special closures) or <c>weekdays</c> (every weekday a session ending at the end of its UTC day).
    /// </summary>
    /// <value>The default value is <c>XNYS</c>.</value>
    public string Calendar { get; init; } = "XNYS";

    /// <summary>
    /// How late the next trading session's bars may be before the daemon turns HALTED with <c>data_overdue</c>: the
    /// calendar's next session after the last bar's date is due at its close, and overdue this much later (see <c>DataSchedule</c>).
    /// </summary>
    /// <value>The default value is 30 hours (a vendor's end-of-day drop the next evening stays within it).</value>
    public TimeSpan MaxDataDelay { get; init; } = TimeSpan.FromHours(30);

    /// <summary>
    /// How the daemon replays days the feed already holds (a bar folder's history): <c>fast</c> runs them back to back
    /// and takes <c>host.cycle_interval</c> only once it has caught up; <c>paced</c> takes the interval between every two.
    /// </summary>
    /// <value>The default value is <c>paced</c> (a replay watched day by day behaves as before).</value>
    public CatchUpMode CatchUp { get; init; } = CatchUpMode.Paced;

    /// <summary>
    /// The largest bar file read (<c>equities/&lt;SYMBOL&gt;.csv</c>, <c>benchmark_SPY.csv</c>): a larger one stops the start
    /// with exit 2, and while running skips its symbol with a reason. A file is read whole into memory, so this is also the
    /// most one file may cost.
    /// </summary>
    /// <value>The default value is 2 GiB (2147483648), also the most .NET can hold in one array.</value>
    public long MaxBarFileBytes { get; init; } = 2L << 30;

    /// <summary>The largest <c>universe.csv</c> read: a larger one stops the start with exit 2.</summary>
    /// <value>The default value is 64 MiB (67108864).</value>
    public long MaxUniverseFileBytes { get; init; } = 64L << 20;

    /// <summary>
    /// Identical bars in a row (open, high, low, close and volume all equal, as a feed that forward-fills a halted or
    /// delisted symbol writes them) after which a symbol counts as stale, like a symbol without a new bar: left out of the
    /// day's snapshot and counted against <c>host.max_stale_fraction</c>. 0 turns the check off; 1 is refused (every bar
    /// would be stale). Applies from the next trading day after a change.
    /// </summary>
    /// <value>The default value is 3 (on 2000-2018 data of 494 symbols: 18 symbol-days, 2 symbols, never 2 on one day).</value>
    public int StaleRepeatedBars { get; init; } = 3;

    /// <summary>Seed of the sample market: the same seed gives the same market.</summary>
    /// <value>The default value is 42.</value>
    public int SampleSeed { get; init; } = 42;

    /// <summary>Number of symbols in the sample market.</summary>
    /// <value>The default value is 500.</value>
    public int SampleSymbols { get; init; } = 500;
}

/// <summary>The values of <c>market.catch_up</c>.</summary>
internal enum CatchUpMode
{
    /// <summary><c>paced</c>: the cycle interval between every two days, history included.</summary>
    Paced,

    /// <summary><c>fast</c>: no pause while the feed already holds the next day.</summary>
    Fast,
}
