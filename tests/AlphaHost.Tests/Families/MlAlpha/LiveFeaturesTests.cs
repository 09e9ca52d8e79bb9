using AlphaHost.Abstractions;
using AlphaHost.Host.Market;
using AlphaHost.Plugins.MlAlpha.Contracts;
using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Families.MlAlpha;

public sealed class LiveFeaturesTests
{
    private static readonly FeatureContract Contract = FeatureContract.LoadNamed(Path.Combine(TestPaths.RepoRoot, "contracts"), "ml_v1");

    [Theory]
    [InlineData("ml_v1")]
    [InlineData("ml_v2")]
    public void Update_DayByDayOnTheSampleMarket_EqualsTheBatchRowsBitForBit(string contract)
    {
        var feed = new SampleMarket(11, 40);
        AssertLiveEqualsBatch(Named(contract), feed, new MarketState(feed.Universe, feed.Benchmark, maxHistory: 100_000), days: 400);
    }

    [SharedDataFact]
    public void Update_DayByDayOnRealBars_EqualsTheBatchRowsBitForBit() => AssertLiveEqualsBatchOnRealBars(Contract);

    [SharedDataFact]
    public void Update_MlV2DayByDayOnRealBars_EqualsTheBatchRowsBitForBit() => AssertLiveEqualsBatchOnRealBars(Named("ml_v2"));

    [Fact]
    public void Update_FirstSightOfASymbol_WarmsUpOnItsHistory()
    {
        var market = SampleSnapshots.Market(150, symbols: 12);
        var live = new LiveFeatures(Contract);

        var rows = live.Update(market.Snapshot(150));

        Assert.All(rows.Values, row => Assert.True(row.IsValid, string.Join(",", row.Missing)));
    }

    private static void AssertLiveEqualsBatchOnRealBars(FeatureContract contract)
    {
        var feed = BarFolderFeed.Open(TestPaths.SharedData!);
        var universe = feed.Universe.Where((_, i) => i % 20 == 0).ToList();
        AssertLiveEqualsBatch(contract, feed, new MarketState(universe, feed.Benchmark, maxHistory: 100_000), days: int.MaxValue);
    }

    private static FeatureContract Named(string name) => FeatureContract.LoadNamed(Path.Combine(TestPaths.RepoRoot, "contracts"), name);

    private static void AssertLiveEqualsBatch(FeatureContract contract, IMarketFeed feed, MarketState market, int days)
    {
        var live = new LiveFeatures(contract);
        var liveRows = new Dictionary<(string, DateOnly), float[]>();
        MarketSnapshot? snapshot = null;
        for (var d = 0; d < days && feed.TryNextDay(out var day); d++)
        {
            market.Append(day);
            snapshot = market.Snapshot(d + 1);
            foreach (var (symbol, row) in live.Update(snapshot))
            {
                liveRows[(symbol, snapshot.Date)] = row.Values.ToArray();
            }
        }

        var batch = new FeaturePipeline(contract).ComputeBatch(snapshot!.Symbols, snapshot.Benchmark);
        var compared = 0;
        foreach (var (symbol, matrix) in batch)
        {
            for (var row = 0; row < matrix.Rows; row++)
            {
                if (liveRows.TryGetValue((symbol, matrix.Dates[row]), out var values))
                {
                    Assert.Equal(matrix.Row(row).ToArray(), values);
                    compared++;
                }
            }
        }

        Assert.True(compared > 1000, $"only {compared} rows compared");
    }
}
