using AlphaHost.Host.Configuration;
using AlphaHost.Host.Market;
using AlphaHost.Tests.Support;
using Xunit.Abstractions;

namespace AlphaHost.Tests.Market;

/// <summary>
/// How often real bars trip the repeated-bars rule at its default (<c>market.stale_repeated_bars</c>): identical bars in
/// a row happen in real data (illiquid names' flat zero-volume days, trading halts), so the default must leave the stale
/// share far below <c>host.max_stale_fraction</c> on every day of a healthy history.
/// </summary>
public sealed class RepeatedBarsRealDataTests(ITestOutputHelper output)
{
    [SharedDataFact]
    public void Append_RealBars2000To2018AtTheDefault_FlagsAtMostOnePercentOfTheUniverseOnAnyDay()
    {
        var feed = BarFolderFeed.Open(TestPaths.SharedData!);
        var market = new MarketState(feed.Universe, feed.Benchmark, maxHistory: 1_000_000);
        var limit = new MarketOptions().StaleRepeatedBars;
        var (days, flaggedDays, symbolDays, worst) = (0, 0, 0, 0);
        var symbols = new SortedSet<string>(StringComparer.Ordinal);
        while (feed.TryNextDay(out var day))
        {
            var repeated = market.Append(day, limit).StaleSymbols.Where(day.Bars.ContainsKey).ToArray();
            days++;
            flaggedDays += repeated.Length > 0 ? 1 : 0;
            symbolDays += repeated.Length;
            worst = Math.Max(worst, repeated.Length);
            symbols.UnionWith(repeated);
        }

        output.WriteLine($"stale_repeated_bars {limit}: {symbolDays} symbol-days flagged on {flaggedDays} of {days} days, " +
            $"at most {worst} of {feed.Universe.Count} symbols on one day; symbols: {string.Join(",", symbols)}");
        Assert.True(days > 4000, $"only {days} days replayed");
        Assert.InRange(worst, 0, feed.Universe.Count / 100);
    }
}
