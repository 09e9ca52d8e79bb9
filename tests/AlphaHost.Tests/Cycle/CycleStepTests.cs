using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Families;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace AlphaHost.Tests.Cycle;

/// <summary>The cycle step is one pipeline for the daemon and <c>backtest</c>: the same families on the same days give the same combined signal.</summary>
public sealed class CycleStepTests
{
    // Weights below 1 so that a family's clip shows in the combined signal (an unclipped 1.7 would give 0.85 + 0.15, not 0.5 + 0.15).
    private const string Config = "host:\n  family_timeout: 60s\n  quarantine_after: 2\nfamilies:\n  steady: {weight: 0.5}\n  wild: {weight: 0.5}\n  broken: {weight: 0.5}\n";
    private static readonly int[] Days = [30, 31, 32, 33];

    [Fact]
    public async Task RunAsync_SameDaysAndFamilies_DaemonTurnsAndBacktestTurnsGiveTheSameCombinedSignals()
    {
        var config = Handles.Config(Config);
        var daemon = DaemonStep();
        var replay = ReplayStep(out var runs);

        foreach (var days in Days)
        {
            var snapshot = SampleSnapshots.At(days, symbols: 12);
            var live = await daemon.RunAsync(new CycleInput(snapshot, null, null), null, config);
            var replayed = await replay.RunAsync(new CycleInput(snapshot, null, null), null, config);

            Assert.Equal(live.Combined.Families, replayed.Combined.Families);
            Assert.Equal(Signals(live.Combined), Signals(replayed.Combined));
            Assert.Equal(live.Combined.Signals.Select(s => s.Contributions), replayed.Combined.Signals.Select(s => s.Contributions));
        }

        // The wild family's values were clipped and filtered on both sides, not merely combined alike.
        var last = await replay.RunAsync(new CycleInput(SampleSnapshots.At(34, symbols: 12), null, null), null, config);
        Assert.Equal(0.65, last.Combined.Signals[0].Signal, 12);
        Assert.Equal(Days.Length + 1, runs[2].Exceptions.Count);
    }

    [Fact]
    public async Task RunAsync_ShadowFamily_IsInTheOutcomesAndTheReportButNotInTheCombinedSignal()
    {
        var config = Handles.Config("families:\n  steady: {weight: 1}\n  wild: {weight: 1, mode: shadow}\n  broken: {weight: 1}\n");
        var step = ReplayStep(out _);

        var result = await step.RunAsync(new CycleInput(SampleSnapshots.At(30, symbols: 12), null, null), null, config, configError: "golden.yaml:3: broken");

        Assert.Equal(3, result.Outcomes.Count);
        Assert.Equal(["wild"], result.Shadows.Select(o => o.Name));
        Assert.Equal(["steady", "broken"], result.Combined.Families);
        Assert.All(result.Combined.Signals, s => Assert.Equal(0.3, s.Signal, 12));
        Assert.True(result.Report.ConfigRejected);
        Assert.Contains(result.Report.Families, f => f is { Name: "wild", Shadow: true });
    }

    private static CycleStep DaemonStep()
    {
        var held = new[] { Handles.For(Steady(), "steady"), Handles.For(Wild(), "wild"), Handles.For(Broken(), "broken") };
        return new CycleStep(new RunnerTurns(new FamilyRunner(NullLogger<FamilyRunner>.Instance), held), SignalCombiner.Weighted);
    }

    private static CycleStep ReplayStep(out BacktestRun[] runs)
    {
        var families = new[] { Replay(Steady(), "steady"), Replay(Wild(), "wild"), Replay(Broken(), "broken") };
        runs = [new(), new(), new()];
        return new CycleStep(new ReplayTurns(families, runs, CancellationToken.None), SignalCombiner.Weighted);
    }

    private static ReplayFamily Replay(IAlphaFamily family, string name) => new(Handles.For(family, name), family);

    private static double[] Signals(CombinedSignals combined) => combined.Signals.Select(s => s.Signal).ToArray();

    private static IAlphaFamily Steady() => Family(s => s.Symbols.ToDictionary(x => x.Symbol, _ => 0.3));

    /// <summary>Out of range both ways, non-finite, and a symbol that is not in the snapshot.</summary>
    private static IAlphaFamily Wild() => Family(s =>
    {
        var signals = s.Symbols.Select((x, i) => (x.Symbol, Value: (i % 3) switch { 0 => 1.7, 1 => -4.0, _ => double.NaN })).ToDictionary(p => p.Symbol, p => p.Value);
        signals["NOT_IN_SNAPSHOT"] = 0.9;
        return signals;
    });

    private static IAlphaFamily Broken()
    {
        var family = new Mock<IAlphaFamily>();
        family.Setup(f => f.Health).Returns(FamilyHealth.Ok);
        family.Setup(f => f.ComputeAsync(It.IsAny<MarketSnapshot>(), It.IsAny<CancellationToken>())).Throws(new InvalidOperationException("boom"));
        return family.Object;
    }

    private static IAlphaFamily Family(Func<MarketSnapshot, Dictionary<string, double>> signals)
    {
        var family = new Mock<IAlphaFamily>();
        family.Setup(f => f.Health).Returns(FamilyHealth.Ok);
        family.Setup(f => f.ComputeAsync(It.IsAny<MarketSnapshot>(), It.IsAny<CancellationToken>()))
            .Returns<MarketSnapshot, CancellationToken>((s, _) => ValueTask.FromResult(new FamilySignals(signals(s))));
        return family.Object;
    }

    /// <summary>The daemon's turns (the runner: budgets, failure counts, quarantine) over fixed slots instead of a supervisor's.</summary>
    private sealed class RunnerTurns(FamilyRunner runner, IReadOnlyList<FamilySlot> slots) : IFamilyTurns
    {
        public Task<IReadOnlyList<FamilyOutcome>> RunAsync(CycleInput input, AlphaHostConfig config) => runner.RunAsync(input, slots, config);
    }
}
