using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Families;

namespace AlphaHost.Host.Backtest;

/// <summary>
/// Replays a period day by day through the families exactly as the daemon's cycle runs them: the same
/// <see cref="Market.MarketState"/> snapshots, the same <see cref="IAlphaFamily.ComputeAsync"/> (no second implementation
/// of features or inference), the same rule for what a family's signals may contain (<see cref="SignalFilter"/>, then
/// clipped to [-1, 1]) and the daemon's own combiner (<see cref="SignalCombiner.CombineLive"/>: the configured weights,
/// shadow families left out). Each close, a <see cref="SignalBook"/> trades each family's signals, the combined signal,
/// and the combined signal without each family in turn (recombined from the same per-family signals, not recomputed).
/// </summary>
/// <remarks>
/// A family that throws contributes nothing that day, as in the cycle, and the exception is recorded. The daemon's time
/// budgets and quarantine are not replayed: a backtest waits for every family, so its result does not depend on the
/// machine's load.
/// </remarks>
internal sealed class BacktestEngine(IReadOnlyList<ReplayFamily> families, AlphaHostConfig config, BacktestOptions options)
{
    public async Task<BacktestReplay> RunAsync(MarketHistory history, DatePeriod window, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var books = families.Select(_ => new SignalBook(options, config.Portfolio)).ToArray();
        var without = families.Select(_ => new SignalBook(options, config.Portfolio)).ToArray();
        var combined = new SignalBook(options, config.Portfolio);
        var errorsAtStart = families.Select(f => InProcessEndpoint.ReadHealth(f.Family).ErrorCount).ToArray();
        var tradingDays = MarketReplay.TradingDays(history, window);
        var done = 0;
        foreach (var day in MarketReplay.Days(history, window))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var known = SignalFilter.Symbols(day.Snapshot);
            var outcomes = new FamilyOutcome[families.Count];
            for (var f = 0; f < families.Count; f++)
            {
                outcomes[f] = await ComputeAsync(families[f], day.Snapshot, known, books[f].Run, cancellationToken).ConfigureAwait(false);
                books[f].Close(day, outcomes[f].Signals);
            }

            combined.Close(day, Signals(SignalCombiner.CombineLive(day.Snapshot, outcomes, config)));
            for (var f = 0; f < families.Count; f++)
            {
                var others = outcomes.Where((_, o) => o != f).ToArray();
                without[f].Close(day, Signals(SignalCombiner.CombineLive(day.Snapshot, others, config)));
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

        return new BacktestReplay(combined.Run, families.Select((family, f) => new FamilyReplay(family.Name, books[f].Run, without[f].Run)).ToArray());
    }

    /// <summary>One family's turn, as the cycle takes it: its finite signals for the snapshot's symbols, clipped; nothing when it throws.</summary>
    private async Task<FamilyOutcome> ComputeAsync(ReplayFamily family, MarketSnapshot snapshot, IReadOnlySet<string> known, BacktestRun run,
        CancellationToken cancellationToken)
    {
        var weight = config.Family(family.Name).Weight;
        try
        {
            var signals = await family.Family.ComputeAsync(snapshot, cancellationToken).ConfigureAwait(false);
            var (clean, _, _) = SignalFilter.Copy(signals?.BySymbol, known);
            foreach (var (symbol, value) in clean)
            {
                clean[symbol] = Math.Clamp(value, -1.0, 1.0);
            }

            return new FamilyOutcome(family.Slot, OutcomeKind.Ok, clean, weight, InProcessEndpoint.ReadHealth(family.Family));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = $"{snapshot.Date:yyyy-MM-dd}: {ex.GetType().Name}: {ex.Message}";
            run.Exceptions.Add(error);
            return new FamilyOutcome(family.Slot, OutcomeKind.Failed, ComputeResult.NoSignals, weight, InProcessEndpoint.ReadHealth(family.Family), error);
        }
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
internal sealed record BacktestReplay(BacktestRun Combined, IReadOnlyList<FamilyReplay> Families);

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
