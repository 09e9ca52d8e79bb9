using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Market;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Backtest;

/// <summary>The replay of several families (<c>backtest --families</c>): the daemon's combiner, weights and modes, and each family's marginal contribution.</summary>
public sealed class FamiliesReplayTests
{
    private const string Config = """
        families:
          alpha:
            enabled: true
            weight: 0.6
          zero:
            enabled: true
            weight: 0
          watch:
            enabled: true
            weight: 0.5
            mode: shadow
          beta:
            enabled: true
            weight: 0.7
        """;

    private static readonly DatePeriod Window = new(new DateOnly(2015, 3, 2), new DateOnly(2015, 5, 29));

    [Fact]
    public async Task Replay_CombinedSignal_IsTheDaemonCombinerOfTheSameFamilySignalsWithTheConfiguredWeights()
    {
        var config = Handles.Config(Config);
        var families = Families();

        var replay = await Replay(families, config);

        // The daemon's rule, spelled out: the live families (the shadow one left out), each with its configured weight.
        var live = new[] { 0, 1, 3 };
        for (var day = 0; day < replay.Combined.SignalDays.Count; day++)
        {
            var combinedDay = replay.Combined.SignalDays[day];
            var snapshot = SampleSnapshots.Of(SampleSnapshots.History("SPY", 1),
                [.. combinedDay.Signals.Keys.Select(s => SampleSnapshots.History(s, 1))]);
            var outcomes = live.Select(f => new FamilyOutcome(families[f].Slot, OutcomeKind.Ok, replay.Families[f].Run.SignalDays[day].Signals,
                config.Family(families[f].Name).Weight, families[f].Family.Health)).ToArray();
            var expected = SignalCombiner.Combine(snapshot, outcomes);

            Assert.Equal(expected.Signals.ToDictionary(s => s.Symbol, s => s.Signal), combinedDay.Signals);
        }

        Assert.True(replay.Combined.SignalDays.Count > 40);
    }

    [Fact]
    public async Task Replay_WeightZeroOrShadowFamily_HasExactlyZeroMarginalContribution()
    {
        var config = Handles.Config(Config);
        var families = Families();
        var history = History();

        var replay = await Replay(families, config);
        var marginal = Marginal(replay, families, config, history);

        Assert.All(new[] { "zero", "watch" }, name =>
        {
            var m = marginal.Single(x => x.Family == name);
            Assert.Equal([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [m.SharpeNet, m.SharpeGross, m.AnnualizedReturnNet, m.MaxDrawdown, m.RankIc, m.Ic, m.Turnover]);
            Assert.All(m.RankIcDecay, h => Assert.Equal(0.0, h.Difference));
            Assert.Equal(replay.Combined.Net, replay.Families.Single(f => f.Name == name).Without.Net);
        });
        Assert.NotEqual(0.0, marginal.Single(x => x.Family == "alpha").RankIc);
        Assert.NotEqual(replay.Combined.Net, replay.Families.Single(f => f.Name == "beta").Without.Net);
    }

    private static IReadOnlyList<MarginalContribution> Marginal(BacktestReplay replay, ReplayFamily[] families, AlphaHostConfig config, MarketHistory history)
    {
        var options = new BacktestOptions();
        BacktestReport Report(BacktestRun run, string name) => BacktestReport.From(run, options, name, "none", history, Window, [], [], TimeProvider.System.GetUtcNow());
        var combined = Report(replay.Combined, "combined");
        return families.Select((family, f) =>
        {
            var section = config.Family(family.Name);
            var entry = new FamilyEntry(family.Name, section.Weight, section.Shadow ? "shadow" : "live", true, family.Name, Report(replay.Families[f].Run, family.Name));
            return MarginalContribution.Of(entry, combined, Report(replay.Families[f].Without, "without"));
        }).ToArray();
    }

    private static ReplayFamily[] Families() =>
        new[] { "alpha", "zero", "watch", "beta" }.Select(name => new ReplayFamily(Handles.For(new SeededFamily(name), name), new SeededFamily(name))).ToArray();

    private static MarketHistory History() => MarketHistoryLoader.Replay(new SampleMarket(7, 40), null, Window.End, endless: true).History;

    private static Task<BacktestReplay> Replay(ReplayFamily[] families, AlphaHostConfig config) =>
        new BacktestEngine(families, config, new BacktestOptions()).RunAsync(History(), Window, null, CancellationToken.None);

    /// <summary>A family whose signal of a symbol on a date is fixed by its name: a pseudo-random value in (-1, 1), for most symbols.</summary>
    private sealed class SeededFamily(string name) : IAlphaFamily
    {
        public FamilyHealth Health { get; } = new(FamilyState.Ok, 0);

        private static Dictionary<string, double> SignalsOf(string family, DateOnly date, IEnumerable<string> symbols)
        {
            var seed = family.Aggregate(date.DayNumber, (h, c) => (h * 31) + c);
            var random = new Random(seed);
            var result = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var symbol in symbols)
            {
                var value = (2 * random.NextDouble()) - 1;
                if (random.NextDouble() < 0.9)
                {
                    result[symbol] = value;
                }
            }

            return result;
        }

        public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public void Configure(FamilySettings settings)
        {
        }

        public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new FamilySignals(SignalsOf(name, snapshot.Date, snapshot.Symbols.Select(s => s.Symbol))));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
