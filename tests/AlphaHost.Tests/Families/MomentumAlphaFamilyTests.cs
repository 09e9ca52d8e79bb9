using AlphaHost.Abstractions;
using AlphaHost.Plugins.Momentum;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Families;

public sealed class MomentumAlphaFamilyTests : AlphaFamilyContractTests
{
    protected override IAlphaFamily CreateFamily() => new MomentumAlphaFamily();

    protected override (string Key, string Value) InvalidSetting => ("lookback_days", "-3");

    [Fact]
    public async Task ComputeAsync_RanksTwelveMinusOneReturn_SkippingTheLastMonth()
    {
        var family = await InitializedAsync(new Dictionary<string, string> { ["lookback_days"] = "4", ["skip_days"] = "1", ["min_symbols"] = "3" });
        // Closes oldest first; 12-1 analogue here: close 1 bar ago over close 4 bars ago.
        var winner = SampleSnapshots.History("WIN", 10, 11, 12, 13, 20, 5);   // 20/11: +82%, then a crash the family must ignore
        var middle = SampleSnapshots.History("MID", 10, 10, 10, 10, 11, 30);  // 11/10: +10%
        var loser = SampleSnapshots.History("LOS", 10, 10, 10, 10, 8, 9);     // 8/10: -20%
        var snapshot = SampleSnapshots.Of(SampleSnapshots.History("SPY", 1, 1, 1, 1, 1, 1), winner, middle, loser);

        var signals = (await family.ComputeAsync(snapshot, CancellationToken.None)).BySymbol;

        Assert.Equal(1.0, signals["WIN"]);
        Assert.Equal(0.0, signals["MID"]);
        Assert.Equal(-1.0, signals["LOS"]);
    }
}
