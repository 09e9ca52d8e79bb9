using AlphaHost.Host.Backtest;

namespace AlphaHost.Tests.Backtest;

public sealed class BacktestEngineTests
{
    [Fact]
    public void Weights_RankedSignals_AreDollarNeutralWithGrossExposureOne()
    {
        var weights = SignalBook.Weights(new Dictionary<string, double> { ["A"] = 0.9, ["B"] = -0.2, ["C"] = 0.1, ["D"] = -0.7 });

        Assert.Equal(0.0, weights.Values.Sum(), 12);
        Assert.Equal(1.0, weights.Values.Sum(Math.Abs), 12);
        Assert.True(weights["A"] > weights["C"] && weights["C"] > weights["B"] && weights["B"] > weights["D"]);
        Assert.Equal(-weights["A"], weights["D"], 12);
    }

    [Fact]
    public void Weights_FewerThanTwoSignals_StaysFlat()
    {
        Assert.Empty(SignalBook.Weights(new Dictionary<string, double> { ["A"] = 0.5 }));
    }

    [Fact]
    public void Performance_KnownSeries_GivesItsDrawdownAndSharpe()
    {
        double[] returns = [0.10, -0.20, 0.05, 0.10];

        var performance = Stats.Performance(returns);

        // Equity 1.10, 0.88, 0.924, 1.0164: the worst fall is from 1.10 to 0.88.
        Assert.Equal(0.20, performance.MaxDrawdown, 12);
        Assert.Equal(0.0164, performance.TotalReturn, 10);
        Assert.Equal(returns.Average() * 252 / (Stats.StdDev(returns) * Math.Sqrt(252)), performance.Sharpe, 12);
    }
}
