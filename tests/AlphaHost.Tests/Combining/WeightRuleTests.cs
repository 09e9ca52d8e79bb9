using AlphaHost.Host.Combining;

namespace AlphaHost.Tests.Combining;

public sealed class WeightRuleTests
{
    private static readonly Dictionary<string, double> Configured = new() { ["a"] = 0.5, ["b"] = 0.3, ["c"] = 0.2 };

    [Fact]
    public void Learn_FewerDaysThanMinDays_GivesTheConfiguredWeights()
    {
        var options = new CombinerOptions { MinDays = 30, Shrinkage = 0 };

        var weights = WeightRule.Learn(Configured, Returns(("a", 0.01, 30), ("b", -0.01, 30), ("c", 0.01, 29)), options);

        Assert.Equal(Configured, weights);
    }

    [Fact]
    public void Learn_FullShrinkage_GivesTheConfiguredWeights()
    {
        var weights = WeightRule.Learn(Configured, Returns(("a", -0.01, 60), ("b", 0.02, 60), ("c", 0.0, 60)), new CombinerOptions { MinDays = 20, Shrinkage = 1, MaxWeight = 1 });

        Assert.All(Configured, c => Assert.Equal(c.Value, weights[c.Key], 12));
    }

    [Fact]
    public void Learn_NoShrinkage_SharesFollowTheSharpeRatiosAndALosingFamilyGetsNothing()
    {
        var returns = Returns(("a", -0.002, 60), ("b", 0.002, 60), ("c", 0.001, 60));
        var weights = WeightRule.Learn(Configured, returns, new CombinerOptions { MinDays = 20, Shrinkage = 0, MaxWeight = 1 });

        var sharpe = new[] { "b", "c" }.ToDictionary(n => n, n => WeightRule.Sharpe(returns[n], 252));
        Assert.Equal(0.0, weights["a"]);
        Assert.Equal(sharpe["b"] / (sharpe["b"] + sharpe["c"]), weights["b"], 12);
        Assert.Equal(sharpe["c"] / (sharpe["b"] + sharpe["c"]), weights["c"], 12);
    }

    [Fact]
    public void Learn_HalfShrinkage_MixesTheConfiguredAndTheDataShares()
    {
        var returns = Returns(("a", -0.002, 60), ("b", 0.002, 60), ("c", -0.001, 60));
        var weights = WeightRule.Learn(Configured, returns, new CombinerOptions { MinDays = 20, Shrinkage = 0.5, MaxWeight = 1 });

        Assert.Equal(0.25, weights["a"], 12);
        Assert.Equal(0.15 + 0.5, weights["b"], 12);
        Assert.Equal(0.1, weights["c"], 12);
        Assert.All(weights.Values, w => Assert.True(w >= 0));
    }

    [Fact]
    public void Learn_OneFamilyFarAhead_IsCappedAndTheRestGoesToTheOthersInProportion()
    {
        var returns = Returns(("a", 0.004, 60), ("b", 0.0001, 60), ("c", 0.0002, 60));
        var weights = WeightRule.Learn(Configured, returns, new CombinerOptions { MinDays = 20, Shrinkage = 0.2, MaxWeight = 0.6 });

        Assert.Equal(0.6, weights["a"], 12);
        Assert.Equal(1.0, weights.Values.Sum(), 12);
        var uncapped = WeightRule.Learn(Configured, returns, new CombinerOptions { MinDays = 20, Shrinkage = 0.2, MaxWeight = 1 });
        Assert.True(uncapped["a"] > 0.6);
        Assert.Equal(uncapped["b"] / uncapped["c"], weights["b"] / weights["c"], 9);
    }

    [Fact]
    public void Learn_Weights_SumToTheConfiguredTotal()
    {
        var configured = new Dictionary<string, double> { ["a"] = 0.2, ["b"] = 0.3 };

        var weights = WeightRule.Learn(configured, Returns(("a", 0.001, 60), ("b", 0.003, 60)), new CombinerOptions { MinDays = 20 });

        Assert.Equal(0.5, weights.Values.Sum(), 12);
    }

    [Fact]
    public void Learn_NoFamilyEarns_GivesTheConfiguredWeights()
    {
        var weights = WeightRule.Learn(Configured, Returns(("a", -0.001, 60), ("b", -0.002, 60), ("c", -0.001, 60)), new CombinerOptions { MinDays = 20, Shrinkage = 0 });

        Assert.Equal(Configured, weights);
    }

    [Fact]
    public void Sharpe_ReturnsOlderThanTheLookback_DoNotCount()
    {
        var recent = Series(0.001, 40);
        var withOldLosses = Enumerable.Repeat(-0.05, 100).Concat(recent).ToArray();

        Assert.Equal(WeightRule.Sharpe(recent, 40), WeightRule.Sharpe(withOldLosses, 40), 12);
        Assert.NotEqual(WeightRule.Sharpe(recent, 40), WeightRule.Sharpe(withOldLosses, 41), 6);
    }

    /// <summary>A return series with the given mean and a fixed spread.</summary>
    private static double[] Series(double mean, int days) => [.. Enumerable.Range(0, days).Select(i => mean + (i % 2 == 0 ? 0.01 : -0.01) + (((i % 3) - 1) * 0.001))];

    private static Dictionary<string, IReadOnlyList<double>> Returns(params (string Name, double Mean, int Days)[] families) =>
        families.ToDictionary(f => f.Name, f => (IReadOnlyList<double>)Series(f.Mean, f.Days));
}
