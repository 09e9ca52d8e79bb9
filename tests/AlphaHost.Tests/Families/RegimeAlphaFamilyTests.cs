using AlphaHost.Abstractions;
using AlphaHost.Plugins.Regime;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Families;

public sealed class RegimeAlphaFamilyTests : AlphaFamilyContractTests
{
    private static readonly Dictionary<string, string> Short = new() { ["trend_window"] = "5", ["vol_window"] = "4", ["vol_threshold"] = "0.5" };

    protected override IAlphaFamily CreateFamily() => new RegimeAlphaFamily();

    protected override (string Key, string Value) InvalidSetting => ("high_vol_scale", "1.5");

    [Theory]
    [InlineData(new double[] { 100, 100.1, 100.2, 100.3, 100.4, 100.5 }, 1.0, "trend=BULL vol=LOW")]
    [InlineData(new double[] { 100, 99.9, 99.8, 99.7, 99.6, 99.5 }, -1.0, "trend=BEAR vol=LOW")]
    [InlineData(new double[] { 100, 110, 95, 112, 96, 115 }, 0.5, "trend=BULL vol=HIGH")]
    [InlineData(new double[] { 100, 110, 95, 108, 92, 90 }, -0.5, "trend=BEAR vol=HIGH")]
    public async Task ComputeAsync_ScoresTrendAndVolatilityRegime(double[] benchmark, double expected, string detail)
    {
        var family = await InitializedAsync(Short);
        var snapshot = SampleSnapshots.Of(SampleSnapshots.History("SPY", benchmark), SampleSnapshots.History("AAA", 1, 1), SampleSnapshots.History("BBB", 1, 1));

        var signals = (await family.ComputeAsync(snapshot, CancellationToken.None)).BySymbol;

        Assert.Equal(expected, signals["AAA"]);
        Assert.Equal(expected, signals["BBB"]);
        Assert.StartsWith(detail, family.Health.Detail);
    }

    [Fact]
    public void MarketRegime_AnnualizedVolatility_MatchesSampleStandardDeviation()
    {
        var closes = new double[] { 100, 101, 99, 102, 100 };
        var bars = SampleSnapshots.History("SPY", closes).Bars.Span;
        var logReturns = closes.Zip(closes.Skip(1), (a, b) => Math.Log(b / a)).ToArray();
        var mean = logReturns.Average();
        var expected = Math.Sqrt(logReturns.Sum(r => (r - mean) * (r - mean)) / (logReturns.Length - 1) * 252);

        var regime = MarketRegime.Classify(bars, new RegimeOptions(TrendWindow: 5, VolWindow: 4, VolThreshold: 1, HighVolScale: 0.5));

        Assert.Equal(expected, regime!.AnnualizedVolatility, 12);
    }
}
