using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;
using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Families.MlAlpha;

/// <summary>The features ml_v2 adds to ml_v1's, each against its definition computed from scratch.</summary>
public sealed class PriceVolumeFeaturesTests
{
    private static readonly string ContractsDir = Path.Combine(TestPaths.RepoRoot, "contracts");
    private static readonly FeatureContract V1 = FeatureContract.LoadNamed(ContractsDir, "ml_v1");
    private static readonly FeatureContract V2 = FeatureContract.LoadNamed(ContractsDir, "ml_v2");

    public static TheoryData<string> SingleSymbolAdditions() =>
        new(V2.Names.Skip(V1.Names.Count).Where(n => n != PriceVolumeState.SectorRelativeName));

    [Theory]
    [MemberData(nameof(SingleSymbolAdditions))]
    public void ComputeBatch_EachMlV2Addition_MatchesItsDefinitionComputedFromScratch(string feature)
    {
        var snapshot = SampleSnapshots.At(200, symbols: 12);
        var matrices = new FeaturePipeline(V2).ComputeBatch(snapshot.Symbols, snapshot.Benchmark);
        var column = V2.Names.ToList().IndexOf(feature);

        foreach (var history in snapshot.Symbols.Take(4))
        {
            var bars = history.Bars.ToArray();
            var market = MarketReturnsOn(bars, snapshot.Benchmark);
            foreach (var t in new[] { 60, 61, 100, 150, bars.Length - 1 })
            {
                var expected = FeatureReference.Compute(feature, bars, t, market);
                var actual = matrices[history.Symbol].Row(t)[column];
                Assert.True(double.IsFinite(expected), $"{feature} of {history.Symbol} at row {t}: the definition gives {expected}");
                Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Max(1.0, Math.Abs(expected)),
                    $"{feature} of {history.Symbol} at row {t}: pipeline {actual}, definition {expected}");
            }
        }
    }

    [SharedDataFact]
    public void ComputeBatch_RealBars_MatchEveryMlV2DefinitionComputedFromScratch()
    {
        var snapshot = RealSnapshot();
        var symbols = snapshot.Symbols.Where(s => s.Symbol is "AAPL" or "XOM" or "JPM").ToList();
        var matrices = new FeaturePipeline(V2).ComputeBatch(symbols, snapshot.Benchmark);

        foreach (var history in symbols)
        {
            var bars = history.Bars.ToArray();
            var marketReturns = MarketReturnsOn(bars, snapshot.Benchmark);
            foreach (var t in new[] { 61, bars.Length / 3, bars.Length / 2, bars.Length - 1 })
            {
                Assert.True(matrices[history.Symbol].IsValid(t), $"{history.Symbol} row {t}: {string.Join(",", matrices[history.Symbol].MissingFeatures(t))}");
                foreach (var feature in V2.Names.Where(n => n is not SectorRank.FeatureName and not PriceVolumeState.SectorRelativeName))
                {
                    var expected = FeatureReference.Compute(feature, bars, t, marketReturns);
                    var actual = matrices[history.Symbol].Row(t)[V2.Names.ToList().IndexOf(feature)];
                    Assert.True(Math.Abs(actual - expected) <= 1e-4 * Math.Max(1.0, Math.Abs(expected)),
                        $"{feature} of {history.Symbol} at {bars[t].Date}: pipeline {actual}, definition {expected}");
                }
            }
        }
    }

    [Fact]
    public void ComputeBatch_SectorRelativeReturn_IsRet20dMinusItsSectorsMean()
    {
        var snapshot = SampleSnapshots.At(100, symbols: 33);
        var matrices = new FeaturePipeline(V2).ComputeBatch(snapshot.Symbols, snapshot.Benchmark);
        var column = V2.Names.ToList().IndexOf(PriceVolumeState.SectorRelativeName);
        static double Ret20(SymbolHistory s, int t) => (s.Bars.Span[t].Close / s.Bars.Span[t - 20].Close) - 1;

        foreach (var t in new[] { 20, 60, 99 })
        {
            foreach (var sector in snapshot.Symbols.GroupBy(s => s.Info.Sector))
            {
                var mean = sector.Average(s => Ret20(s, t));
                foreach (var symbol in sector)
                {
                    var expected = Ret20(symbol, t) - mean;
                    Assert.True(Math.Abs(matrices[symbol.Symbol].Row(t)[column] - expected) <= 1e-6,
                        $"{symbol.Symbol} ({sector.Key}) row {t}: pipeline {matrices[symbol.Symbol].Row(t)[column]}, definition {expected}");
                }
            }
        }
    }

    [Fact]
    public void SectorRank_RelativeGroup_LoneAndMissingMembersFollowTheDefinition()
    {
        var result = new double[3];

        SectorRank.RelativeGroup([0.1, double.NaN, 0.3], result);

        Assert.Equal(-0.1, result[0], 12);
        Assert.True(double.IsNaN(result[1]));
        Assert.Equal(0.1, result[2], 12);

        SectorRank.RelativeGroup([0.4], result.AsSpan(0, 1));
        Assert.Equal(0.0, result[0]);
    }

    [Fact]
    public void ComputeBatch_MlV2_StartsWithTheMlV1RowsBitForBit()
    {
        var snapshot = SampleSnapshots.At(160, symbols: 33);

        var v1 = new FeaturePipeline(V1).ComputeBatch(snapshot.Symbols, snapshot.Benchmark);
        var v2 = new FeaturePipeline(V2).ComputeBatch(snapshot.Symbols, snapshot.Benchmark);

        foreach (var (symbol, matrix) in v1)
        {
            for (var row = 0; row < matrix.Rows; row++)
            {
                Assert.Equal(matrix.Row(row).ToArray().Select(BitConverter.SingleToInt32Bits), v2[symbol].Row(row)[..V1.Names.Count].ToArray().Select(BitConverter.SingleToInt32Bits));
            }
        }
    }

    [Fact]
    public void ComputeBatch_MlV2Rows_AreInvalidUntilMinimumHistoryThenValid()
    {
        var snapshot = SampleSnapshots.At(160, symbols: 12);
        var matrix = new FeaturePipeline(V2).ComputeBatch(snapshot.Symbols, snapshot.Benchmark)[snapshot.Symbols[0].Symbol];

        Assert.Equal(58, matrix.Names.Count);
        Assert.Contains("resid_vol_60", matrix.MissingFeatures(40));
        Assert.DoesNotContain("kmid", matrix.MissingFeatures(0));
        Assert.All(Enumerable.Range(V2.MinHistoryBars - 1, matrix.Rows - V2.MinHistoryBars + 1),
            row => Assert.True(matrix.IsValid(row), $"row {row}: {string.Join(",", matrix.MissingFeatures(row))}"));
    }

    [Fact]
    public void ComputeBatch_NoBenchmark_ReportsTheMarketRelativeFeaturesMissing()
    {
        var snapshot = SampleSnapshots.At(120, symbols: 12);

        var matrix = new FeaturePipeline(V2).ComputeBatch(snapshot.Symbols, benchmark: null)[snapshot.Symbols[0].Symbol];

        Assert.Equal(["beta_60", "beta_20", "resid_mom_20", "resid_mom_60", "resid_vol_60"], matrix.MissingFeatures(110));
    }

    [Fact]
    public void ComputeBatch_AZeroVolumeDay_MakesTheVolumeChangeCorrelationMissingForItsWindowOnly()
    {
        var snapshot = SampleSnapshots.At(200, symbols: 3);
        var history = snapshot.Symbols[0];
        var bars = history.Bars.ToArray();
        bars[100] = bars[100] with { Volume = 0 };
        var edited = new SymbolHistory(history.Info, bars);
        var column = V2.Names.ToList().IndexOf("corr_ret_dvol_20");

        var matrix = new FeaturePipeline(V2).ComputeBatch([edited], snapshot.Benchmark)[history.Symbol];

        // Day 100's change and day 101's (from a zero volume) are not finite; windows of 20 changes holding either are missing.
        Assert.True(float.IsFinite(matrix.Row(99)[column]));
        Assert.All(Enumerable.Range(100, 21), row => Assert.True(float.IsNaN(matrix.Row(row)[column]), $"row {row}"));
        var expected = FeatureReference.Compute("corr_ret_dvol_20", bars, 121, MarketReturnsOn(bars, snapshot.Benchmark));
        Assert.True(Math.Abs(matrix.Row(121)[column] - expected) <= 1e-5, $"row 121: pipeline {matrix.Row(121)[column]}, definition {expected}");
    }

    internal static MarketSnapshot RealSnapshot()
    {
        var feed = Host.Market.BarFolderFeed.Open(TestPaths.SharedData!);
        var market = new Host.Market.MarketState(feed.Universe, feed.Benchmark, maxHistory: 100_000);
        while (feed.TryNextDay(out var day))
        {
            market.Append(day);
        }

        return market.Snapshot(1);
    }

    private static double[] MarketReturnsOn(Bar[] bars, SymbolHistory benchmark)
    {
        var market = benchmark.Bars.ToArray();
        var byDate = Enumerable.Range(1, market.Length - 1).ToDictionary(i => market[i].Date, i => (market[i].Close / market[i - 1].Close) - 1);
        return bars.Select(b => byDate.GetValueOrDefault(b.Date, double.NaN)).ToArray();
    }
}
