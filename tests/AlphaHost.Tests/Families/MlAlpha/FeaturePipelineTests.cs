using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;
using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Families.MlAlpha;

public sealed class FeaturePipelineTests
{
    private static readonly FeatureContract Contract = FeatureContract.LoadNamed(Path.Combine(TestPaths.RepoRoot, "contracts"), "ml_v1");

    public static TheoryData<string> SingleSymbolFeatures() => new(Contract.Names.Where(n => n != SectorRank.FeatureName));

    [Theory]
    [MemberData(nameof(SingleSymbolFeatures))]
    public void ComputeBatch_EachFeature_MatchesItsDefinitionComputedFromScratch(string feature)
    {
        var snapshot = SampleSnapshots.At(200, symbols: 12);
        var matrices = new FeaturePipeline(Contract).ComputeBatch(snapshot.Symbols, snapshot.Benchmark);
        var column = Contract.Names.ToList().IndexOf(feature);

        foreach (var history in snapshot.Symbols.Take(4))
        {
            var bars = history.Bars.ToArray();
            var market = MarketReturnsOn(bars, snapshot.Benchmark);
            var matrix = matrices[history.Symbol];
            foreach (var t in new[] { 61, 100, 150, bars.Length - 1 })
            {
                var expected = FeatureReference.Compute(feature, bars, t, market);
                var actual = matrix.Row(t)[column];
                Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Max(1.0, Math.Abs(expected)),
                    $"{feature} of {history.Symbol} at row {t}: pipeline {actual}, definition {expected}");
            }
        }
    }

    [SharedDataFact]
    public void ComputeBatch_RealBars_MatchEveryDefinitionComputedFromScratch()
    {
        var feed = Host.Market.BarFolderFeed.Open(TestPaths.SharedData!);
        var market = new Host.Market.MarketState(feed.Universe, feed.Benchmark, maxHistory: 100_000);
        while (feed.TryNextDay(out var day))
        {
            market.Append(day);
        }

        var snapshot = market.Snapshot(1);
        var symbols = snapshot.Symbols.Where(s => s.Symbol is "AAPL" or "XOM" or "JPM").ToList();
        var matrices = new FeaturePipeline(Contract).ComputeBatch(symbols, snapshot.Benchmark);

        foreach (var history in symbols)
        {
            var bars = history.Bars.ToArray();
            var marketReturns = MarketReturnsOn(bars, snapshot.Benchmark);
            foreach (var t in new[] { 61, bars.Length / 2, bars.Length - 1 })
            {
                Assert.True(matrices[history.Symbol].IsValid(t), $"{history.Symbol} row {t}: {string.Join(",", matrices[history.Symbol].MissingFeatures(t))}");
                foreach (var feature in Contract.Names.Where(n => n != SectorRank.FeatureName))
                {
                    var expected = FeatureReference.Compute(feature, bars, t, marketReturns);
                    var actual = matrices[history.Symbol].Row(t)[Contract.Names.ToList().IndexOf(feature)];
                    Assert.True(Math.Abs(actual - expected) <= 1e-4 * Math.Max(1.0, Math.Abs(expected)),
                        $"{feature} of {history.Symbol} at {bars[t].Date}: pipeline {actual}, definition {expected}");
                }
            }
        }
    }

    [Fact]
    public void ComputeBatch_CrossRankSector_RanksRet20WithinEachSector()
    {
        var snapshot = SampleSnapshots.At(100, symbols: 33);
        var matrices = new FeaturePipeline(Contract).ComputeBatch(snapshot.Symbols, snapshot.Benchmark);
        var rank = Contract.Names.ToList().IndexOf(SectorRank.FeatureName);
        var ret20 = Contract.Names.ToList().IndexOf("ret_20d");

        foreach (var sector in snapshot.Symbols.GroupBy(s => s.Info.Sector))
        {
            var last = sector.Select(s => (s.Symbol, Ret: matrices[s.Symbol].Row(99)[ret20], Rank: matrices[s.Symbol].Row(99)[rank]))
                .OrderBy(x => x.Ret).ToList();
            Assert.Equal(0f, last[0].Rank);
            Assert.Equal(1f, last[^1].Rank);
            Assert.Equal(last.Select(x => x.Rank).Order(), last.Select(x => x.Rank));
        }
    }

    [Fact]
    public void ComputeBatch_OnlyAskedSymbols_GivesTheirRowsOfTheFullBatchAndNoOthers()
    {
        var snapshot = SampleSnapshots.At(160, symbols: 33);
        var pipeline = new FeaturePipeline(Contract);
        var asked = new HashSet<string>(StringComparer.Ordinal) { snapshot.Symbols[2].Symbol, snapshot.Symbols[17].Symbol };

        var full = pipeline.ComputeBatch(snapshot.Symbols, snapshot.Benchmark);
        var some = pipeline.ComputeBatch(snapshot.Symbols, snapshot.Benchmark, asked);

        Assert.Equal(asked.Order(), some.Keys.Order());
        foreach (var symbol in asked)
        {
            Assert.Equal(full[symbol].Dates, some[symbol].Dates);
            for (var r = 0; r < full[symbol].Rows; r++)
            {
                Assert.Equal(full[symbol].Row(r).ToArray(), some[symbol].Row(r).ToArray());
            }
        }
    }

    [Fact]
    public void PeerReturns_AreTheRet20dOfTheFullFeatureState()
    {
        var symbol = SampleSnapshots.At(120, symbols: 3).Symbols[1];
        var dates = new DateOnly[symbol.Count];
        var ret20 = new double[symbol.Count];
        var state = new FeatureState();
        var raw = new double[FeatureState.Supported.Count];
        var column = FeatureState.Supported.ToList().IndexOf("ret_20d");

        FeaturePipeline.PeerReturns(symbol.Bars.Span, dates, ret20);

        for (var i = 0; i < symbol.Count; i++)
        {
            state.Update(symbol.Bars.Span[i], double.NaN, raw);
            Assert.Equal(symbol.Bars.Span[i].Date, dates[i]);
            Assert.Equal(BitConverter.DoubleToInt64Bits(raw[column]), BitConverter.DoubleToInt64Bits(ret20[i]));
        }
    }

    [Fact]
    public void SectorRank_TiesAndLoneSymbols_FollowTheDefinition()
    {
        var ranks = SectorRank.Assign([("A", "Tech", 0.1), ("B", "Tech", 0.1), ("C", "Tech", 0.3), ("D", "Energy", -0.2), ("E", "Tech", double.NaN)]);

        Assert.Equal(0.25, ranks["A"]);
        Assert.Equal(0.25, ranks["B"]);
        Assert.Equal(1.0, ranks["C"]);
        Assert.Equal(0.5, ranks["D"]);
        Assert.True(double.IsNaN(ranks["E"]));
    }

    [Fact]
    public void ComputeBatch_LaterBars_NeverChangeEarlierRows()
    {
        var market = SampleSnapshots.Market(150, symbols: 12);
        var early = market.Snapshot(1);
        var full = SampleSnapshots.At(250, symbols: 12);
        var pipeline = new FeaturePipeline(Contract);

        var before = pipeline.ComputeBatch(early.Symbols, early.Benchmark);
        var after = pipeline.ComputeBatch(full.Symbols, full.Benchmark);

        foreach (var (symbol, matrix) in before)
        {
            for (var row = 0; row < matrix.Rows; row++)
            {
                Assert.Equal(matrix.Row(row).ToArray(), after[symbol].Row(row).ToArray());
            }
        }
    }

    [Fact]
    public void ComputeBatch_Rows_AreInvalidUntilMinimumHistoryThenValid()
    {
        var snapshot = SampleSnapshots.At(120, symbols: 12);
        var matrix = new FeaturePipeline(Contract).ComputeBatch(snapshot.Symbols, snapshot.Benchmark)[snapshot.Symbols[0].Symbol];

        Assert.Equal(28, matrix.Names.Count);
        Assert.False(matrix.IsValid(0));
        Assert.Contains("ret_60d", matrix.MissingFeatures(30));
        Assert.Contains("beta_60", matrix.MissingFeatures(30));
        Assert.DoesNotContain("ret_1d", matrix.MissingFeatures(30));
        Assert.All(Enumerable.Range(Contract.MinHistoryBars - 1, matrix.Rows - Contract.MinHistoryBars + 1), row => Assert.True(matrix.IsValid(row), $"row {row}: {string.Join(",", matrix.MissingFeatures(row))}"));
    }

    [Fact]
    public void ComputeBatch_NoBenchmark_ReportsBetaMissing()
    {
        var snapshot = SampleSnapshots.At(120, symbols: 12);

        var matrix = new FeaturePipeline(Contract).ComputeBatch(snapshot.Symbols, benchmark: null)[snapshot.Symbols[0].Symbol];

        Assert.Equal(["beta_60"], matrix.MissingFeatures(110));
    }

    [Fact]
    public void Constructor_ContractWithAFeatureWithoutImplementation_IsRefused()
    {
        var json = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "contracts", "feature_contract_ml_v1.json")).Replace("\"beta_60\"", "\"beta_120\"");

        var error = Assert.Throws<FeatureContractException>(() => new FeaturePipeline(FeatureContract.Parse("x.json", json)));

        Assert.Contains("beta_120", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SelectInto_AnyStateRow_IsEachContractFeatureCastToFloat32ToTheBit_InContractOrder(bool reordered)
    {
        // The shipped contracts list the features in the state's order (narrowed four at a time); a reordered one
        // goes through the column map. Both must be the plain cast, NaN, infinities and overflow included.
        var contract = reordered
            ? FeatureContract.Parse("x.json", File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "contracts", "feature_contract_ml_v1.json"))
                .Replace("\"ret_1d\"", "\"@\"").Replace("\"ret_5d\"", "\"ret_1d\"").Replace("\"@\"", "\"ret_5d\""))
            : Contract;
        Assert.Equal(reordered, !contract.Names.SequenceEqual(FeatureState.Supported.Take(contract.Names.Count)));
        var pipeline = new FeaturePipeline(contract);
        var random = new Random(7);
        double[] special = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon, 1e-40, 3.5e38, -3.5e38, 1e300, float.MaxValue, 1.0 / 3];
        for (var trial = 0; trial < 500; trial++)
        {
            var raw = FeatureState.Supported
                .Select(_ => random.Next(3) == 0 ? special[random.Next(special.Length)] : (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-40, 40)))
                .ToArray();
            var values = new float[contract.Names.Count];

            pipeline.SelectInto(raw, values);

            var expected = contract.Names.Select(name => (float)raw[FeatureState.Supported.ToList().IndexOf(name)]);
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), values.Select(BitConverter.SingleToInt32Bits));
        }
    }

    private static double[] MarketReturnsOn(Bar[] bars, SymbolHistory benchmark)
    {
        var market = benchmark.Bars.ToArray();
        var byDate = Enumerable.Range(1, market.Length - 1).ToDictionary(i => market[i].Date, i => (market[i].Close / market[i - 1].Close) - 1);
        return bars.Select(b => byDate.GetValueOrDefault(b.Date, double.NaN)).ToArray();
    }
}
