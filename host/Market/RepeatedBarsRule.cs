using AlphaHost.Abstractions;

namespace AlphaHost.Host.Market;

/// <summary>
/// When a symbol's bars are a copy, not news: a vendor that forward-fills a halted or delisted symbol repeats its last
/// bar under new dates, open, high, low, close and volume alike, so the symbol never goes without a bar and the
/// no-new-bar check cannot see it. A single repeat is not enough: an illiquid name has flat zero-volume days now and
/// then (on 2000-2018 data, 2 bars in a row identical 18 times in 6 symbols, 3 in a row only in 2 symbols, one of them a
/// 17-day trading halt), so the rule waits for <c>market.stale_repeated_bars</c> identical bars in a row.
/// </summary>
internal static class RepeatedBarsRule
{
    /// <summary>Whether <paramref name="next"/> repeats <paramref name="previous"/> exactly but for its date.</summary>
    public static bool SameBar(in Bar previous, in Bar next) =>
        previous.Open.Equals(next.Open) && previous.High.Equals(next.High) && previous.Low.Equals(next.Low)
        && previous.Close.Equals(next.Close) && previous.Volume.Equals(next.Volume);

    /// <summary>Whether a symbol whose last <paramref name="identicalInARow"/> bars are identical is stale under a limit of <paramref name="limit"/> (0: never).</summary>
    public static bool IsRepeated(int identicalInARow, int limit) => limit > 0 && identicalInARow >= limit;
}
