using AlphaHost.Abstractions;
using AlphaHost.Host.Combining;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Families;

namespace AlphaHost.Host.Backtest;

/// <summary>
/// Replays a period day by day through the daemon's own <see cref="CycleStep"/>: the same <see cref="Market.MarketState"/>
/// snapshots, the same family call (<see cref="FamilyCall"/>: <see cref="IAlphaFamily.ComputeAsync"/>, no second
/// implementation of features or inference, and <see cref="SignalFilter"/>), the same clip and the daemon's combiner (the
/// configured weights, shadow families left out), with the families' turns of a replay (<see cref="ReplayTurns"/>). Each
/// close, a <see cref="SignalBook"/> trades each family's signals, the combined signal, and the combined signal without
/// each family in turn (recombined from the same per-family signals, not recomputed).
/// </summary>
/// <remarks>
/// A family that throws contributes nothing that day, as in the cycle, and the exception is recorded. The daemon's time
/// budgets and quarantine are not replayed: a backtest waits for every family, so its result does not depend on the
/// machine's load.
/// </remarks>
/// <param name="families">The families, in the order of the report.</param>
/// <param name="config">The configuration: weights and modes.</param>
/// <param name="options">Costs and positions.</param>
/// <param name="combiner">The combine stage; the daemon's weighted sum when not given.</param>
/// <param name="weights">The combiner's weights (static or learned as the config says), carrying its learned state in and out; null: a fresh one.
/// In learned mode the configured weights' combination is traded beside it, for comparison.</param>
internal sealed class BacktestEngine(IReadOnlyList<ReplayFamily> families, AlphaHostConfig config, BacktestOptions options, ISignalCombiner? combiner = null,
    LearnedWeights? weights = null)
{
    public LearnedWeights Weights { get; } = weights ?? new LearnedWeights(CombinerState.Empty);

    public async Task<BacktestReplay> RunAsync(MarketHistory history, DatePeriod window, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var books = families.Select(_ => new SignalBook(options, config.Portfolio)).ToArray();
        var without = families.Select(_ => new SignalBook(options, config.Portfolio)).ToArray();
        var combined = new SignalBook(options, config.Portfolio);
        var configured = config.Combiner.Mode == CombinerMode.Learned ? new SignalBook(options, config.Portfolio) : null;
        var learned = new List<WeightsOn>();
        var errorsAtStart = families.Select(f => InProcessEndpoint.ReadHealth(f.Family).ErrorCount).ToArray();
        var step = new CycleStep(new ReplayTurns(families, books.Select(b => b.Run).ToArray(), cancellationToken), combiner ?? SignalCombiner.Weighted, Weights);
        var tradingDays = MarketReplay.TradingDays(history, window);
        var done = 0;
        foreach (var day in MarketReplay.Days(history, window))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var cycle = await step.RunAsync(new CycleInput(day.Snapshot, null, null), null, config).ConfigureAwait(false);
            for (var f = 0; f < families.Count; f++)
            {
                books[f].Close(day, cycle.Outcomes[f].Signals);
            }

            combined.Close(day, Signals(cycle.Combined));
            if (configured is not null)
            {
                var asConfigured = cycle.Outcomes.Select(o => o with { Weight = config.Family(o.Name).Weight }).ToArray();
                configured.Close(day, Signals(step.Combiner.Combine(day.Snapshot, asConfigured, config)));
                if (Weights.State.UpdatedOn == day.Date)
                {
                    learned.Add(new WeightsOn(day.Date, Weights.State.Weights));
                }
            }

            for (var f = 0; f < families.Count; f++)
            {
                var others = cycle.Outcomes.Where((_, o) => o != f).ToArray();
                without[f].Close(day, Signals(step.Combiner.Combine(day.Snapshot, others, config)));
            }

            progress?.Report((++done, tradingDays));
        }

        for (var f = 0; f < families.Count; f++)
        {
            var health = InProcessEndpoint.ReadHealth(families[f].Family);
            books[f].Run.ModelErrors = health.ErrorCount - errorsAtStart[f];
            books[f].Run.FinalHealth = health;
        }

        var live = Enumerable.Range(0, families.Count).Where(f => !config.Family(families[f].Name).Shadow).ToArray();
        Gather(combined.Run, live.Select(f => (families[f].Name, books[f].Run)));
        for (var f = 0; f < families.Count; f++)
        {
            Gather(without[f].Run, live.Where(l => l != f).Select(l => (families[l].Name, books[l].Run)));
        }

        if (configured is not null)
        {
            Gather(configured.Run, live.Select(f => (families[f].Name, books[f].Run)));
        }

        return new BacktestReplay(combined.Run, families.Select((family, f) => new FamilyReplay(family.Name, books[f].Run, without[f].Run)).ToArray())
        {
            Configured = configured?.Run,
            Learned = learned,
        };
    }

    /// <summary>Every snapshot symbol's combined signal (0.0 where no family has one), as the daemon emits it.</summary>
    private static Dictionary<string, double> Signals(CombinedSignals combined) =>
        combined.Signals.ToDictionary(s => s.Symbol, s => s.Signal, StringComparer.Ordinal);

    /// <summary>A combination answers for the families in it: their exceptions and model errors count against it.</summary>
    private static void Gather(BacktestRun target, IEnumerable<(string Name, BacktestRun Run)> members)
    {
        foreach (var (name, run) in members)
        {
            target.Exceptions.AddRange(run.Exceptions.Select(e => $"{name}: {e}"));
            target.ModelErrors += run.ModelErrors;
        }
    }
}

/// <summary>A family as the replay runs it: its slot (its name and export, as the combiner sees it) and the family.</summary>
internal sealed record ReplayFamily(FamilySlot Slot, IAlphaFamily Family)
{
    public string Name => Slot.Name;

    /// <summary>A family the offline session loaded.</summary>
    public static ReplayFamily From(Plugins.FamilyHandle handle, TimeProvider clock) => new(new FamilySlot(handle.Export, handle.Plugin, clock), handle.Family);
}

/// <summary>What a replay of several families produced: the combined signal's run and each family's.</summary>
/// <param name="Combined">The combined signal, traded.</param>
/// <param name="Families">Each family's own signals traded, and the combined signal without it, in the order given.</param>
internal sealed record BacktestReplay(BacktestRun Combined, IReadOnlyList<FamilyReplay> Families)
{
    /// <summary>In learned mode, the configured weights' combination traded on the same days; null in static mode.</summary>
    public BacktestRun? Configured { get; init; }

    /// <summary>In learned mode, the weights of each close they were computed at.</summary>
    public IReadOnlyList<WeightsOn> Learned { get; init; } = [];
}

/// <summary>The learned weights computed at a close.</summary>
internal sealed record WeightsOn(DateOnly Date, IReadOnlyDictionary<string, double> Weights);

/// <summary>One family's signals traded, and the combined signal recombined without it.</summary>
internal sealed record FamilyReplay(string Name, BacktestRun Run, BacktestRun Without);

/// <summary>What a replay produced, day by day.</summary>
internal sealed class BacktestRun
{
    public List<DateOnly> Dates { get; } = [];

    public List<double> Gross { get; } = [];

    public List<double> Net { get; } = [];

    public List<double> Benchmark { get; } = [];

    /// <summary>Turnover of each rebalance (the first from flat).</summary>
    public List<double> Turnover { get; } = [];

    public List<double> Ic { get; } = [];

    /// <summary>The portfolio rule and settings the book traded with.</summary>
    public Portfolio.PortfolioOptions Portfolio { get; init; } = new();

    /// <summary>The signals of each replayed close, in date order: what the tear sheet scores against later returns.</summary>
    public List<SignalDay> SignalDays { get; } = [];

    public List<double> RankIc { get; } = [];

    public List<string> Exceptions { get; } = [];

    public HashSet<string> Processed { get; } = new(StringComparer.Ordinal);

    public long ModelErrors { get; set; }

    public FamilyHealth? FinalHealth { get; set; }
}

/// <summary>One close's clamped, finite signals by symbol.</summary>
internal sealed record SignalDay(DateOnly Date, IReadOnlyDictionary<string, double> Signals);
