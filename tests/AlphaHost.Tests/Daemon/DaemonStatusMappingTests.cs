using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Health;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Daemon;

public sealed class DaemonStatusMappingTests
{
    [Fact]
    public void Map_TwoModelInstancesOneInShadow_EachEntryHasItsOwnMlStateModeAndServingModels()
    {
        var clock = new FakeTimeProvider();
        var status = new HostStatus(clock)
        {
            LoadedFamilies =
            [
                new("ml_alpha", false, false, FamilyState.DisabledConfig, true, 0),
                new("ml_candidate", true, false, FamilyState.Degraded, true, 0, "models=3 predicted=2", 3) { Shadow = true },
                new("momentum", true, false, FamilyState.Ok, false, 0),
            ],
        };
        var store = new ConfigStore(AlphaHostConfig.Default("test.yaml"), NullLogger<ConfigStore>.Instance);
        var identity = new DaemonIdentity(42, clock.GetUtcNow(), "test", "test.yaml", new RuntimePaths("plugins", "runtime"));

        var record = DaemonStatusMapping.Map(identity, DaemonStatus.Of(status, store.Current, clock), store, previous: null);

        var families = record.Families.ToDictionary(f => f.Name);
        Assert.Equal(ModelState.DisabledConfig, record.MlState);
        Assert.Equal((ModelState.DisabledConfig, FamilyMode.Live, (int?)null), (families["ml_alpha"].MlState, families["ml_alpha"].Mode, families["ml_alpha"].ServingModels));
        Assert.Equal((ModelState.EnabledDegraded, FamilyMode.Shadow, (int?)3), (families["ml_candidate"].MlState, families["ml_candidate"].Mode, families["ml_candidate"].ServingModels));
        Assert.Null(families["momentum"].MlState);
        Assert.Contains("\"ml_state\": \"ENABLED|DEGRADED\"", DaemonFile.Serialize(record), StringComparison.Ordinal);
    }
}
