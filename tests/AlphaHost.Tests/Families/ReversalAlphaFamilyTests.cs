using AlphaHost.Abstractions;
using AlphaHost.Plugins.Reversal;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Families;

public sealed class ReversalAlphaFamilyTests : AlphaFamilyContractTests
{
    protected override IAlphaFamily CreateFamily() => new ReversalAlphaFamily();

    protected override (string Key, string Value) InvalidSetting => ("lookback_days", "five");

    [Fact]
    public async Task ComputeAsync_FavoursTheWeeksLosers()
    {
        var family = await InitializedAsync(new Dictionary<string, string> { ["min_symbols"] = "3" });
        var up = SampleSnapshots.History("UP", 10, 10, 10, 10, 10, 12);     // +20% over 5 days
        var flat = SampleSnapshots.History("FLAT", 10, 10, 10, 10, 10, 10);
        var down = SampleSnapshots.History("DOWN", 10, 10, 10, 10, 10, 8);  // -20%
        var snapshot = SampleSnapshots.Of(SampleSnapshots.History("SPY", 1, 1, 1, 1, 1, 1), up, flat, down);

        var signals = (await family.ComputeAsync(snapshot, CancellationToken.None)).BySymbol;

        Assert.Equal(-1.0, signals["UP"]);
        Assert.Equal(0.0, signals["FLAT"]);
        Assert.Equal(1.0, signals["DOWN"]);
    }
}
