using AlphaHost.Abstractions;
using AlphaHost.Host.Portfolio;

namespace AlphaHost.Tests.Portfolio;

public sealed class TargetWeightsTests
{
    [Fact]
    public void Of_DefaultOptions_IsTheLegacyRankBookBitForBit()
    {
        var random = new Random(11);
        var symbols = Enumerable.Range(0, 57).Select(i => $"S{i}").ToArray();
        for (var day = 0; day < 50; day++)
        {
            var signals = PortfolioMarket.RandomSignals(random, symbols.Where(_ => random.NextDouble() < 0.9));

            var weights = TargetWeights.Of(signals, null, new PortfolioOptions());

            var legacy = LegacyWeights(signals);
            Assert.Equal(legacy.Keys, weights.Keys);
            Assert.All(legacy, p => Assert.Equal(BitConverter.DoubleToInt64Bits(p.Value), BitConverter.DoubleToInt64Bits(weights[p.Key])));
        }
    }

    [Fact]
    public void Of_SectorNeutral_EachSectorSumsToZero()
    {
        string[] sectors = ["Energy", "Energy", "Energy", "Tech", "Tech", "Tech", "Tech", "Utilities", "Utilities"];
        var snapshot = PortfolioMarket.WithBetas(sectors.Select(_ => 1.0).ToArray(), sectors: sectors);
        // Energy's signals all above Tech's: the rank book is long Energy and short Tech.
        double[] values = [0.9, 0.8, 0.7, -0.9, -0.8, -0.7, -0.6, 0.1, 0.0];
        var signals = snapshot.Symbols.Select((h, i) => (h.Symbol, values[i])).ToDictionary(p => p.Symbol, p => p.Item2);

        var weights = TargetWeights.Of(signals, snapshot, new PortfolioOptions { Rule = PortfolioRule.SectorNeutral });

        foreach (var sector in sectors.Distinct())
        {
            var inSector = snapshot.Symbols.Where(h => h.Info.Sector == sector).Sum(h => weights[h.Symbol]);
            Assert.Equal(0.0, inSector, 12);
        }

        Assert.Equal(1.0, weights.Values.Sum(Math.Abs), 12);
        Assert.True(weights["S00"] > 0 && weights["S02"] < 0, "within Energy the best signal is long, the worst short");
    }

    [Fact]
    public void Of_SectorNeutralWithoutSectorMap_IsTheRankBook()
    {
        var snapshot = PortfolioMarket.WithBetas([1, 1, 1, 1, 1]);
        var signals = snapshot.Symbols.Select((h, i) => (h.Symbol, (double)i)).ToDictionary(p => p.Symbol, p => p.Item2);

        var sector = TargetWeights.Of(signals, snapshot, new PortfolioOptions { Rule = PortfolioRule.SectorNeutral });

        Assert.Equal(TargetWeights.Of(signals, snapshot, new PortfolioOptions()), sector);
    }

    [Fact]
    public void Of_BetaNeutral_BookBetaToTheBenchmarkIsAboutZero()
    {
        var betas = Enumerable.Range(0, 40).Select(i => 0.3 + (i * 0.04)).ToArray();
        var snapshot = PortfolioMarket.WithBetas(betas, days: 250);
        // The signal is the beta itself: the rank book is long high beta, short low beta.
        var signals = snapshot.Symbols.Select((h, i) => (h.Symbol, betas[i])).ToDictionary(p => p.Symbol, p => p.Item2);
        var estimated = TrailingRisk.Beta(snapshot, signals.Keys, 60);

        var rank = TargetWeights.Of(signals, snapshot, new PortfolioOptions());
        var neutral = TargetWeights.Of(signals, snapshot, new PortfolioOptions { Rule = PortfolioRule.BetaNeutral });

        Assert.True(BookBeta(rank, estimated) > 0.2, $"the rank book's beta {BookBeta(rank, estimated)}");
        Assert.Equal(0.0, BookBeta(neutral, estimated), 10);
        Assert.Equal(0.0, neutral.Values.Sum(), 10);
        Assert.Equal(1.0, neutral.Values.Sum(Math.Abs), 10);
        Assert.True(Math.Abs(neutral.Sum(p => p.Value * betas[int.Parse(p.Key[1..], System.Globalization.CultureInfo.InvariantCulture)])) < 0.1,
            "the true betas (not only the estimates) nearly cancel too");
    }

    [Fact]
    public void Of_VolScaling_GivesTheTwiceAsVolatileSymbolAboutHalfTheWeight()
    {
        var snapshot = PortfolioMarket.WithVolatilities(new Dictionary<string, double> { ["A"] = 0.02, ["B"] = 0.01, ["C"] = 0.01, ["D"] = 0.01 });
        var signals = new Dictionary<string, double> { ["A"] = 1, ["B"] = 1, ["C"] = -1, ["D"] = -1 };

        var plain = TargetWeights.Of(signals, snapshot, new PortfolioOptions());
        var scaled = TargetWeights.Of(signals, snapshot, new PortfolioOptions { VolScaling = true });

        Assert.Equal(plain["A"], plain["B"], 12);
        // A and B tie on rank; A's volatility is twice B's: 0.5 / 1, then re-centred (0.625 / 1.125).
        Assert.Equal(0.625 / 1.125, scaled["A"] / scaled["B"], 6);
        Assert.Equal(0.0, scaled.Values.Sum(), 12);
        Assert.Equal(1.0, scaled.Values.Sum(Math.Abs), 12);
    }

    private static double BookBeta(IReadOnlyDictionary<string, double> weights, IReadOnlyDictionary<string, double> betas) =>
        weights.Sum(p => p.Value * betas[p.Key]);

    /// <summary>The rule SignalBook traded before the portfolio stage, kept here verbatim as the reference.</summary>
    private static Dictionary<string, double> LegacyWeights(IReadOnlyDictionary<string, double> signals)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (signals.Count < 2)
        {
            return result;
        }

        var symbols = signals.Keys.ToArray();
        var ranks = CrossSection.AverageRanks(symbols.Select(s => signals[s]).ToArray());
        var centre = (symbols.Length - 1) / 2.0;
        var gross = ranks.Sum(r => Math.Abs(r - centre));
        if (gross == 0)
        {
            return result;
        }

        for (var i = 0; i < symbols.Length; i++)
        {
            result[symbols[i]] = (ranks[i] - centre) / gross;
        }

        return result;
    }
}
