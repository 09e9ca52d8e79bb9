using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Health;
using AlphaHost.Host.Logging;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Health;

public sealed class StateChangeWatcherTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z"));
    private readonly CapturingLogger<StateChangeWatcher> _log = new();

    [Fact]
    public void Look_MlDisabledThenEnabledBetweenHeartbeats_LogsEachChangeOnceWithTheStatesBeforeAndAfter()
    {
        var status = new HostStatus(_clock) { LoadedFamilies = [new("ml_alpha", true, false, FamilyState.Ok, true, 0), new("momentum", true, false, FamilyState.Ok, false, 0)] };
        var watcher = new StateChangeWatcher(status, new ConfigStore(AlphaHostConfig.Default("test.yaml"), NullLogger<ConfigStore>.Instance), _clock, _log);

        watcher.Look();
        Publish(status, 1, FamilyState.Ok);
        watcher.Look();
        Publish(status, 2, FamilyState.Ok);
        watcher.Look();
        Publish(status, 3, FamilyState.DisabledConfig);
        watcher.Look();
        watcher.Look();
        Publish(status, 4, FamilyState.Ok);
        watcher.Look();

        var changes = _log.Snapshot().Select(e => (State: e.Properties["State"], MlState: e.Properties["MlState"], Was: e.Properties["PreviousState"], WasMl: e.Properties["PreviousMlState"])).ToArray();
        Assert.Equal(
            [
                ("HALTED", "ENABLED|OK", "none", "none"),
                ("OK", "ENABLED|OK", "HALTED", "ENABLED|OK"),
                ("OK", "DISABLED_CONFIG", "OK", "ENABLED|OK"),
                ("OK", "ENABLED|OK", "OK", "DISABLED_CONFIG"),
            ],
            changes.Select(c => ((string?)c.State, (string?)c.MlState, (string?)c.Was, (string?)c.WasMl)));
        Assert.All(_log.Snapshot(), e => Assert.StartsWith(StateChangeWatcher.MessageStart, e.Message, StringComparison.Ordinal));
    }

    private void Publish(HostStatus status, long cycle, FamilyState ml)
    {
        status.Publish(new CycleReport
        {
            Cycle = cycle, MarketDate = new DateOnly(2026, 11, 1).AddDays((int)cycle), FreshSymbols = 1, UniverseSize = 1, BenchmarkFresh = true,
            Families = [new("ml_alpha", ml != FamilyState.DisabledConfig, false, ml, true, 0), new("momentum", true, false, FamilyState.Ok, false, 0)],
        }, TimeSpan.FromMilliseconds(1));
        _clock.Advance(TimeSpan.FromSeconds(1));
    }
}
