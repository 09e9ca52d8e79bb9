using AlphaHost.Abstractions;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Families;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace AlphaHost.Tests.Cycle;

public sealed class FamilyRunnerTests
{
    private const string TwoFamilies = "host:\n  family_timeout: 60s\n  quarantine_after: 3\n  quarantine_backoff: 60s\nfamilies:\n  good: {weight: 1}\n  bad: {weight: 1}\n";

    private readonly FakeTimeProvider _clock = new();
    private readonly MarketSnapshot _snapshot = SampleSnapshots.At(30, symbols: 20);

    [Fact]
    public async Task RunAsync_ThrowingFamily_FailsAloneAndOthersStillSignal()
    {
        var good = Handles.For(Constant(0.3), "good", clock: _clock);
        var bad = Handles.For(Throwing(), "bad", clock: _clock);

        var outcomes = await Runner().RunAsync(new CycleInput(_snapshot, null, null), [good, bad], Handles.Config(TwoFamilies));

        Assert.Equal(OutcomeKind.Ok, outcomes[0].Kind);
        Assert.Equal(_snapshot.Symbols.Count, outcomes[0].Signals.Count);
        Assert.Equal(OutcomeKind.Failed, outcomes[1].Kind);
        Assert.Contains("InvalidOperationException", outcomes[1].Error);
        Assert.Empty(outcomes[1].Signals);
        Assert.Equal(FamilyState.Degraded, outcomes[1].State);
    }

    [Fact]
    public async Task RunAsync_HangingFamily_TimesOutAndIsNotCalledAgainWhileStillBusy()
    {
        var hanging = new Mock<IAlphaFamily>();
        var release = new TaskCompletionSource<FamilySignals>();
        hanging.Setup(f => f.ComputeAsync(It.IsAny<MarketSnapshot>(), It.IsAny<CancellationToken>())).Returns(new ValueTask<FamilySignals>(release.Task));
        hanging.Setup(f => f.Health).Returns(FamilyHealth.Ok);
        var handles = new[] { Handles.For(Constant(0.3), "good", clock: _clock), Handles.For(hanging.Object, "bad", clock: _clock) };
        var runner = new FamilyRunner(NullLogger<FamilyRunner>.Instance);
        // The healthy family gets a budget no loaded test machine can overrun; only the hanging one has a short one.
        var config = Handles.Config("families:\n  good: {weight: 1, timeout: 60s}\n  bad: {weight: 1, timeout: 200ms}\n");

        var first = await runner.RunAsync(new CycleInput(_snapshot, null, null), handles, config);
        var second = await runner.RunAsync(new CycleInput(_snapshot, null, null), handles, config);

        Assert.Equal(OutcomeKind.TimedOut, first[1].Kind);
        Assert.Equal(OutcomeKind.StillRunning, second[1].Kind);
        Assert.Equal(OutcomeKind.Ok, second[0].Kind);
        hanging.Verify(f => f.ComputeAsync(It.IsAny<MarketSnapshot>(), It.IsAny<CancellationToken>()), Times.Once);
        release.SetResult(FamilySignals.Empty);
    }

    [Fact]
    public async Task RunAsync_DisabledFamily_IsNeverCalled()
    {
        var family = new Mock<IAlphaFamily>();
        family.Setup(f => f.Health).Returns(FamilyHealth.Ok);
        var handle = Handles.For(family.Object, "good", clock: _clock);

        var outcomes = await Runner().RunAsync(new CycleInput(_snapshot, null, null), [handle], Handles.Config("families:\n  good: {enabled: false}\n"));

        Assert.Equal(OutcomeKind.DisabledConfig, outcomes[0].Kind);
        Assert.Equal(FamilyState.DisabledConfig, outcomes[0].State);
        family.Verify(f => f.ComputeAsync(It.IsAny<MarketSnapshot>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RunAsync_FamilyDisabledBeforeItEverStarted_DetailSaysDisabledNotStarting()
    {
        var handle = Handles.For(Constant(0.5), "good", clock: _clock);
        handle.LastHealth = new FamilyHealth(FamilyState.Degraded, 0, "starting");

        var outcomes = await Runner().RunAsync(new CycleInput(_snapshot, null, null), [handle], Handles.Config("families:\n  good: {enabled: false}\n"));

        Assert.Equal("disabled by configuration", outcomes[0].Detail);
    }

    [Theory]
    [InlineData("features:\n  use_regime_detection: false\nfamilies:\n  good: {enabled: true}\n", false)]
    [InlineData("features:\n  use_regime_detection: true\nfamilies:\n  good: {enabled: true}\n", true)]
    [InlineData("families:\n  good: {enabled: true}\n", true)]
    [InlineData("features:\n  use_regime_detection: true\n", false)]
    public async Task RunAsync_FeatureFlag_GatesTheFamilyTogetherWithItsSection(string yaml, bool called)
    {
        var handle = Handles.For(Constant(0.5), "good", featureFlag: "use_regime_detection", clock: _clock);

        // A budget no loaded machine overruns: the flag is the point, not the time.
        var outcomes = await Runner().RunAsync(new CycleInput(_snapshot, null, null), [handle], Handles.Config("host:\n  family_timeout: 60s\n" + yaml));

        Assert.Equal(called ? OutcomeKind.Ok : OutcomeKind.DisabledConfig, outcomes[0].Kind);
    }

    [Fact]
    public async Task RunAsync_RepeatedFailures_QuarantineThenRetryAfterBackoff()
    {
        var calls = 0;
        var family = new Mock<IAlphaFamily>();
        family.Setup(f => f.Health).Returns(FamilyHealth.Ok);
        family.Setup(f => f.ComputeAsync(It.IsAny<MarketSnapshot>(), It.IsAny<CancellationToken>()))
            .Returns(() => ++calls <= 3 ? throw new InvalidOperationException("boom") : ValueTask.FromResult(FamilySignals.Empty));
        var handle = Handles.For(family.Object, "bad", clock: _clock);
        var runner = Runner();
        var config = Handles.Config(TwoFamilies);

        for (var i = 0; i < 3; i++)
        {
            await runner.RunAsync(new CycleInput(_snapshot, null, null), [handle], config);
        }

        var quarantined = await runner.RunAsync(new CycleInput(_snapshot, null, null), [handle], config);
        _clock.Advance(TimeSpan.FromSeconds(61));
        var retried = await runner.RunAsync(new CycleInput(_snapshot, null, null), [handle], config);

        Assert.Equal(OutcomeKind.Quarantined, quarantined[0].Kind);
        Assert.Equal(FamilyState.Quarantined, quarantined[0].State);
        Assert.Equal(OutcomeKind.Ok, retried[0].Kind);
        Assert.Equal(0, handle.Quarantine.ConsecutiveFailures);
        Assert.Null(handle.Quarantine.Until);
        Assert.Equal(4, calls);
    }

    [Fact]
    public async Task RunAsync_FailedRetryAfterQuarantine_DoublesTheBackoff()
    {
        var handle = Handles.For(Throwing(), "bad", clock: _clock);
        var runner = Runner();
        var config = Handles.Config(TwoFamilies);
        for (var i = 0; i < 3; i++)
        {
            await runner.RunAsync(new CycleInput(_snapshot, null, null), [handle], config);
        }

        var firstUntil = handle.Quarantine.Until!.Value;
        _clock.Advance(TimeSpan.FromSeconds(61));
        await runner.RunAsync(new CycleInput(_snapshot, null, null), [handle], config);

        Assert.Equal(TimeSpan.FromSeconds(60), firstUntil - (_clock.GetUtcNow() - TimeSpan.FromSeconds(61)));
        Assert.Equal(TimeSpan.FromSeconds(120), handle.Quarantine.Until!.Value - _clock.GetUtcNow());
    }

    [Fact]
    public async Task RunAsync_CrashAfterEveryRestart_GoodCyclesBetweenDoNotResetTheDoubling()
    {
        // One good cycle after each restart, then a crash: a crash loop, whatever good cycles lie between.
        var calls = 0;
        var family = new Mock<IAlphaFamily>();
        family.Setup(f => f.Health).Returns(FamilyHealth.Ok);
        family.Setup(f => f.ComputeAsync(It.IsAny<MarketSnapshot>(), It.IsAny<CancellationToken>()))
            .Returns<MarketSnapshot, CancellationToken>((s, _) => ++calls % 2 == 0
                ? throw new InvalidOperationException("boom")
                : ValueTask.FromResult(new FamilySignals(s.Symbols.ToDictionary(x => x.Symbol, _ => 0.1))));
        var handle = Handles.For(family.Object, "bad", clock: _clock);
        var runner = Runner();
        var config = Handles.Config("host:\n  family_timeout: 60s\n  quarantine_after: 1\n  quarantine_backoff: 30s\nfamilies:\n  bad: {weight: 1}\n");
        var waits = new List<TimeSpan>();

        for (var restart = 0; restart < 4; restart++)
        {
            await runner.RunAsync(new CycleInput(_snapshot, null, null), [handle], config);
            await runner.RunAsync(new CycleInput(_snapshot, null, null), [handle], config);
            waits.Add(handle.Quarantine.Until!.Value - _clock.GetUtcNow());
            _clock.Advance(waits[^1] + TimeSpan.FromSeconds(1));
        }

        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(240)], waits);
    }

    [Fact]
    public async Task RunAsync_CleanLongerThanTheCrashLoopWindow_StartsTheBackoffOver()
    {
        var failing = true;
        var family = new Mock<IAlphaFamily>();
        family.Setup(f => f.Health).Returns(FamilyHealth.Ok);
        family.Setup(f => f.ComputeAsync(It.IsAny<MarketSnapshot>(), It.IsAny<CancellationToken>()))
            .Returns<MarketSnapshot, CancellationToken>((s, _) => failing
                ? throw new InvalidOperationException("boom")
                : ValueTask.FromResult(new FamilySignals(s.Symbols.ToDictionary(x => x.Symbol, _ => 0.1))));
        var handle = Handles.For(family.Object, "bad", clock: _clock);
        var runner = Runner();
        var config = Handles.Config("host:\n  family_timeout: 60s\n  quarantine_after: 1\n  quarantine_backoff: 30s\n  crash_loop_window: 10m\nfamilies:\n  bad: {weight: 1}\n");

        await runner.RunAsync(new CycleInput(_snapshot, null, null), [handle], config);
        _clock.Advance(TimeSpan.FromSeconds(31));
        failing = false;
        await runner.RunAsync(new CycleInput(_snapshot, null, null), [handle], config);
        _clock.Advance(TimeSpan.FromMinutes(11));
        failing = true;
        await runner.RunAsync(new CycleInput(_snapshot, null, null), [handle], config);

        Assert.Equal(TimeSpan.FromSeconds(30), handle.Quarantine.Until!.Value - _clock.GetUtcNow());
    }

    [Fact]
    public async Task RunAsync_OkButNoSignalForTheConfiguredCycles_IsDegradedNoSignals_AndOkOnceItSignals()
    {
        var silent = true;
        var family = new Mock<IAlphaFamily>();
        family.Setup(f => f.Health).Returns(FamilyHealth.Ok);
        family.Setup(f => f.ComputeAsync(It.IsAny<MarketSnapshot>(), It.IsAny<CancellationToken>()))
            .Returns<MarketSnapshot, CancellationToken>((s, _) => ValueTask.FromResult(silent
                ? FamilySignals.Empty
                : new FamilySignals(s.Symbols.ToDictionary(x => x.Symbol, _ => 0.1))));
        var handle = Handles.For(family.Object, "quiet", clock: _clock);
        var runner = Runner();
        var config = Handles.Config("host:\n  family_timeout: 60s\n  no_signal_cycles: 3\nfamilies:\n  quiet: {weight: 1}\n");

        var states = new List<FamilyState>();
        for (var i = 0; i < 3; i++)
        {
            states.Add((await runner.RunAsync(new CycleInput(_snapshot, null, null), [handle], config))[0].State);
        }

        var stillSilent = (await runner.RunAsync(new CycleInput(_snapshot, null, null), [handle], config))[0];
        silent = false;
        var speaking = (await runner.RunAsync(new CycleInput(_snapshot, null, null), [handle], config))[0];

        Assert.Equal([FamilyState.Ok, FamilyState.Ok, FamilyState.Degraded], states);
        Assert.Equal(FamilyState.Degraded, stillSilent.State);
        Assert.StartsWith("no_signals:", stillSilent.Health.Detail);
        Assert.Contains("4 cycles", stillSilent.Health.Detail);
        Assert.Equal(FamilyState.Ok, speaking.State);
    }

    [Fact]
    public async Task RunAsync_NonFiniteOutOfRangeAndUnknownSignals_AreDroppedOrClipped()
    {
        var family = new Mock<IAlphaFamily>();
        family.Setup(f => f.Health).Returns(FamilyHealth.Ok);
        var symbols = _snapshot.Symbols.Select(s => s.Symbol).ToArray();
        family.Setup(f => f.ComputeAsync(It.IsAny<MarketSnapshot>(), It.IsAny<CancellationToken>())).ReturnsAsync(new FamilySignals(
            new Dictionary<string, double> { [symbols[0]] = double.NaN, [symbols[1]] = 7.0, [symbols[2]] = -3.0, ["UNKNOWN"] = 0.5 }));
        var handle = Handles.For(family.Object, "good", clock: _clock);

        var outcome = (await Runner().RunAsync(new CycleInput(_snapshot, null, null), [handle], Handles.Config(TwoFamilies)))[0];

        Assert.Equal(new Dictionary<string, double> { [symbols[1]] = 1.0, [symbols[2]] = -1.0 }, outcome.Signals);
        Assert.Equal(FamilyState.Degraded, outcome.State);
    }

    private FamilyRunner Runner() => new(NullLogger<FamilyRunner>.Instance);

    private static IAlphaFamily Constant(double value)
    {
        var family = new Mock<IAlphaFamily>();
        family.Setup(f => f.Health).Returns(FamilyHealth.Ok);
        family.Setup(f => f.ComputeAsync(It.IsAny<MarketSnapshot>(), It.IsAny<CancellationToken>()))
            .Returns<MarketSnapshot, CancellationToken>((s, _) => ValueTask.FromResult(new FamilySignals(s.Symbols.ToDictionary(x => x.Symbol, _ => value))));
        return family.Object;
    }

    private static IAlphaFamily Throwing()
    {
        var family = new Mock<IAlphaFamily>();
        family.Setup(f => f.Health).Returns(FamilyHealth.Ok);
        family.Setup(f => f.ComputeAsync(It.IsAny<MarketSnapshot>(), It.IsAny<CancellationToken>())).Throws(new InvalidOperationException("boom"));
        return family.Object;
    }
}
