using AlphaHost.Abstractions;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Families;
using AlphaHost.Host.Plugins;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Families.Lifecycle;

/// <summary>The slot state machine the daemon and the offline commands share, driven by a fake clock and fake endpoints.</summary>
public sealed class SlotLifecycleTests
{
    private const string Config = "host:\n  quarantine_after: 3\n  quarantine_backoff: 60s\n  crash_loop_window: 10m\nfamilies:\n  alpha: {}\n";

    private readonly FakeTimeProvider _clock = new();
    private readonly ManualStarter _starter = new();

    [Fact]
    public void Supervise_EnabledSlot_StartsItAndServesFromTheStartedEndpoint()
    {
        var (lifecycle, slot) = Create();

        lifecycle.Supervise(slot, Handles.Config(Config));
        var endpoint = _starter.Succeed();
        lifecycle.Supervise(slot, Handles.Config(Config));

        Assert.Same(endpoint, slot.Endpoint);
        Assert.Null(slot.Starting);
        Assert.Single(_starter.Starts);
        Assert.Equal(Path.Combine("state", "alpha"), _starter.Starts[0].Request.StateDirectory);
    }

    [Fact]
    public void Supervise_FailedStart_QuarantinesAndStartsAgainOnlyWhenTheBackoffIsOver()
    {
        var (lifecycle, slot) = Create();
        var config = Handles.Config(Config);
        lifecycle.Supervise(slot, config);
        _starter.Fail("failed to initialize: cannot open my model store");

        lifecycle.Supervise(slot, config);
        var duringBackoff = _starter.Starts.Count;
        _clock.Advance(TimeSpan.FromSeconds(59));
        lifecycle.Supervise(slot, config);
        var justBefore = _starter.Starts.Count;
        _clock.Advance(TimeSpan.FromSeconds(2));
        lifecycle.Supervise(slot, config);

        Assert.Equal(1, duringBackoff);
        Assert.Equal(1, justBefore);
        Assert.Equal(2, _starter.Starts.Count);
        Assert.Equal("failed to initialize: cannot open my model store", slot.StartFailure);
        Assert.Equal("cannot start: failed to initialize: cannot open my model store", slot.LastHealth.Detail);
        Assert.Equal(1, slot.HostErrors);
    }

    [Fact]
    public void Supervise_StartFailingAgainAfterItsBackoff_DoublesTheBackoff()
    {
        var (lifecycle, slot) = Create();
        var config = Handles.Config(Config);
        lifecycle.Supervise(slot, config);
        _starter.Fail("boom");
        lifecycle.Supervise(slot, config);
        var first = slot.Quarantine.Until!.Value - _clock.GetUtcNow();

        _clock.Advance(first + TimeSpan.FromSeconds(1));
        lifecycle.Supervise(slot, config);
        _starter.Fail("boom");
        lifecycle.Supervise(slot, config);

        Assert.Equal(TimeSpan.FromSeconds(60), first);
        Assert.Equal(TimeSpan.FromSeconds(120), slot.Quarantine.Until!.Value - _clock.GetUtcNow());
        Assert.Null(slot.Endpoint);
    }

    [Fact]
    public async Task Retire_AfterRepeatedFailedCycles_QuarantinesStopsTheEndpointAndRestartsAfterTheBackoff()
    {
        var (lifecycle, slot) = Create();
        var config = Handles.Config(Config);
        lifecycle.Supervise(slot, config);
        var broken = _starter.Succeed();
        lifecycle.Supervise(slot, config);
        broken.Answer = CallStatus.Failed;
        var runner = new FamilyRunner(NullLogger<FamilyRunner>.Instance);
        var input = new CycleInput(SampleSnapshots.At(5, symbols: 3), null, null);

        var kinds = new List<OutcomeKind>();
        for (var i = 0; i < 4; i++)
        {
            kinds.Add((await runner.RunAsync(input, [slot], config, lifecycle.Retire))[0].Kind);
            lifecycle.Supervise(slot, config);
        }

        var startsWhileQuarantined = _starter.Starts.Count;
        _clock.Advance(TimeSpan.FromSeconds(61));
        lifecycle.Supervise(slot, config);

        Assert.Equal([OutcomeKind.Failed, OutcomeKind.Failed, OutcomeKind.Failed, OutcomeKind.Quarantined], kinds);
        Assert.True(SpinWait.SpinUntil(() => broken.Stopped, TimeSpan.FromSeconds(10)));
        Assert.Equal(1, slot.Restarts);
        Assert.Equal(1, startsWhileQuarantined);
        Assert.Equal(2, _starter.Starts.Count);
    }

    [Fact]
    public void Supervise_SwapToABuildThatStarts_ServesTheNewBuildAndStopsTheOld()
    {
        var (lifecycle, slot) = Create();
        var config = Handles.Config(Config);
        lifecycle.Supervise(slot, config);
        var old = _starter.Succeed();
        lifecycle.Supervise(slot, config);

        SlotLifecycle.Swap(slot, Build("v2"));
        lifecycle.Supervise(slot, config);
        var servingWhileItStarts = slot.Endpoint;
        var replacement = _starter.Succeed();
        lifecycle.Supervise(slot, config);

        Assert.Same(old, servingWhileItStarts);
        Assert.Equal("/plugins/v2", _starter.Starts[1].Request.PluginFolder);
        Assert.Same(replacement, slot.Endpoint);
        Assert.Equal("/plugins/v2", slot.Plugin.Folder);
        Assert.Null(slot.PendingPlugin);
        Assert.True(SpinWait.SpinUntil(() => old.Stopped, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Supervise_SwapToABuildThatFailsToStart_KeepsTheOldEndpointServing()
    {
        var (lifecycle, slot) = Create();
        var config = Handles.Config(Config);
        lifecycle.Supervise(slot, config);
        var old = _starter.Succeed();
        lifecycle.Supervise(slot, config);

        SlotLifecycle.Swap(slot, Build("v2"));
        lifecycle.Supervise(slot, config);
        _starter.Fail("failed to initialize: InvalidOperationException: bad build");
        lifecycle.Supervise(slot, config);
        lifecycle.Supervise(slot, config);

        Assert.Same(old, slot.Endpoint);
        Assert.False(old.Stopped);
        Assert.False(slot.Quarantine.IsActive);
        Assert.Equal("/plugins/alpha", slot.Plugin.Folder);
        Assert.Null(slot.PendingPlugin);
        Assert.Equal(2, _starter.Starts.Count);
    }

    [Fact]
    public void Supervise_SlotDisabledByConfig_StopsItsEndpointAndStartsNothing()
    {
        var (lifecycle, slot) = Create();
        lifecycle.Supervise(slot, Handles.Config(Config));
        var running = _starter.Succeed();
        lifecycle.Supervise(slot, Handles.Config(Config));

        var disabled = Handles.Config("families:\n  alpha: {enabled: false}\n");
        lifecycle.Supervise(slot, disabled);
        lifecycle.Supervise(slot, disabled);

        Assert.Null(slot.Endpoint);
        Assert.True(SpinWait.SpinUntil(() => running.Stopped, TimeSpan.FromSeconds(10)));
        Assert.Single(_starter.Starts);
    }

    [Fact]
    public void Supervise_StartDisabled_StartsAnInstanceTheConfigSwitchedOff()
    {
        var (lifecycle, slot) = Create(startDisabled: true);

        lifecycle.Supervise(slot, Handles.Config("families:\n  alpha: {enabled: false}\n"));

        Assert.Single(_starter.Starts);
        Assert.NotNull(slot.Starting);
    }

    [Fact]
    public void Remove_WhileItStarts_StopsTheFamilyOnceItHasStarted()
    {
        var (lifecycle, slot) = Create();
        lifecycle.Supervise(slot, Handles.Config(Config));

        lifecycle.Remove(slot);
        var late = _starter.Succeed();

        Assert.Null(slot.Starting);
        Assert.Null(slot.Endpoint);
        Assert.True(SpinWait.SpinUntil(() => late.Stopped, TimeSpan.FromSeconds(10)));
    }

    private (SlotLifecycle Lifecycle, FamilySlot Slot) Create(bool startDisabled = false)
    {
        var lifecycle = new SlotLifecycle(_starter, _clock, NullLogger.Instance, startDisabled) { StateRoot = "state" };
        return (lifecycle, new FamilySlot(new AlphaFamilyAttribute("alpha"), Build("alpha"), _clock));
    }

    private static PluginInfo Build(string name) => new("/plugins/" + name, $"/plugins/{name}/{name}.dll", name, "1.0", name, new string('a', 64));
}
