using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Families;
using AlphaHost.Host.Plugins;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlphaHost.Tests.Families.Lifecycle;

/// <summary>Applying a changed config to running families, and rolling it back when one refuses.</summary>
public sealed class FamilyConfiguratorTests
{
    private const string Before = "families:\n  momentum:\n    lookback_days: 50\n  reversal:\n    lookback_days: 20\n";

    private readonly FamilyConfigurator _configurator = new(NullLogger.Instance);

    [Fact]
    public async Task ApplyAsync_EveryFamilyTakesItsSection_AppliesThemAndReturnsNoRefusal()
    {
        var (momentum, reversal) = (Running("momentum", Before), Running("reversal", Before));
        var candidate = Handles.Config("families:\n  momentum:\n    lookback_days: 100\n  reversal:\n    lookback_days: 30\n");

        var refusal = await _configurator.ApplyAsync([momentum.Slot, reversal.Slot], candidate);

        Assert.Null(refusal);
        Assert.Equal("100", momentum.Slot.AppliedConfig.Values["lookback_days"]);
        Assert.Equal("30", reversal.Slot.AppliedConfig.Values["lookback_days"]);
    }

    [Fact]
    public async Task ApplyAsync_OneFamilyRefuses_ReturnsTheKeyAndPutsEveryFamilyBackOnItsOldSettings()
    {
        var (momentum, reversal) = (Running("momentum", Before), Running("reversal", Before));
        reversal.Endpoint.Refuses = ("lookback_days", "-1");
        var old = (momentum.Slot.AppliedConfig, reversal.Slot.AppliedConfig);

        var refusal = await _configurator.ApplyAsync([momentum.Slot, reversal.Slot],
            Handles.Config("families:\n  momentum:\n    lookback_days: 100\n  reversal:\n    lookback_days: -1\n"));

        Assert.Equal("families.reversal.lookback_days: must be positive", refusal);
        Assert.Same(old.Item1, momentum.Slot.AppliedConfig);
        Assert.Same(old.Item2, reversal.Slot.AppliedConfig);
        Assert.Equal(["100", "50"], momentum.Endpoint.Configured.Select(c => c["lookback_days"]));
    }

    [Fact]
    public async Task ApplyAsync_UnchangedSection_IsNotHandedToTheFamilyAgain()
    {
        var momentum = Running("momentum", Before);

        var refusal = await _configurator.ApplyAsync([momentum.Slot], Handles.Config(Before));

        Assert.Null(refusal);
        Assert.Empty(momentum.Endpoint.Configured);
    }

    private static (FamilySlot Slot, FakeEndpoint Endpoint) Running(string name, string yaml)
    {
        var endpoint = new FakeEndpoint(name);
        var slot = new FamilySlot(new AlphaFamilyAttribute(name), new PluginInfo("/plugins/" + name, "/x.dll", "x", "1.0", name, ""), TimeProvider.System)
        {
            Endpoint = endpoint,
        };
        slot.AppliedConfig = Handles.Config(yaml).Family(name);
        return (slot, endpoint);
    }
}
