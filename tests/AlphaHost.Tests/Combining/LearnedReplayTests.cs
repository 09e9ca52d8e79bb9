using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;
using AlphaHost.Host.Combining;
using AlphaHost.Host.Cycle;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Combining;

/// <summary><c>backtest --families</c> with <c>combiner.mode: learned</c> weighs each day as the daemon's combiner would.</summary>
public sealed class LearnedReplayTests
{
    [Fact]
    public async Task Replay_LearnedWeights_AreTheDaemonCombinersOnTheSameFamilySignals()
    {
        var config = CombinerDays.Config();
        var families = new[] { "good", "bad", "noise", "watch" }.Select(name => new ReplayFamily(Handles.For(new DayFamily(name), name), new DayFamily(name))).ToArray();
        var history = MarketHistoryOf();

        var replay = await new BacktestEngine(families, config, new BacktestOptions()).RunAsync(history, CombinerDays.Window, null, CancellationToken.None);

        // The daemon's combiner, fed each day's family signals as the cycle hands them over.
        var daemon = new LearnedWeights(CombinerState.Empty);
        var expected = new List<WeightsOn>();
        for (var day = 0; day < CombinerDays.Days.Length; day++)
        {
            var outcomes = families.Select((f, i) => CombinerDays.Outcome(f.Name, config.Family(f.Name).Weight, OutcomeKind.Ok, replay.Families[i].Run.SignalDays[day].Signals)).ToArray();
            var weighed = daemon.Weigh(CombinerDays.Days[day].Snapshot, outcomes, config);
            if (daemon.State.UpdatedOn == CombinerDays.Days[day].Date)
            {
                expected.Add(new WeightsOn(CombinerDays.Days[day].Date, daemon.State.Weights));
            }

            var combined = SignalCombiner.CombineLive(CombinerDays.Days[day].Snapshot, weighed, config);
            Assert.Equal(combined.Signals.ToDictionary(s => s.Symbol, s => s.Signal), replay.Combined.SignalDays[day].Signals);
        }

        Assert.Equal(expected.Select(w => w.Date), replay.Learned.Select(w => w.Date));
        Assert.All(expected.Zip(replay.Learned), pair => Assert.Equal(pair.First.Weights, pair.Second.Weights));
        Assert.Contains(replay.Learned, w => w.Weights["good"] > 0.4);
        Assert.NotNull(replay.Configured);
        Assert.NotEqual(replay.Configured!.Net, replay.Combined.Net);
    }

    private static MarketHistory MarketHistoryOf() =>
        Host.Market.MarketHistoryLoader.Replay(new Host.Market.SampleMarket(7, 30), null, CombinerDays.Window.End, endless: true).History;

    /// <summary>A family computing <see cref="CombinerDays.Signals"/> for the snapshot's close.</summary>
    private sealed class DayFamily(string name) : IAlphaFamily
    {
        public FamilyHealth Health { get; } = new(FamilyState.Ok, 0);

        public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public void Configure(FamilySettings settings)
        {
        }

        public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken)
        {
            var day = Array.FindIndex(CombinerDays.Days, d => d.Date == snapshot.Date);
            return ValueTask.FromResult(new FamilySignals(CombinerDays.Signals(name, day)));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
