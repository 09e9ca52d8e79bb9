using System.Diagnostics;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Families;
using AlphaHost.Host.Health;
using AlphaHost.Host.Market;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// One close, the same for the daemon and <c>backtest</c>: the market snapshot, the families' turns
/// (<see cref="IFamilyTurns"/>), the combined signal (<see cref="ISignalCombiner"/>) and the cycle report. It writes
/// nothing: what is done with the result is its observers' business (<see cref="ICycleObserver"/>).
/// </summary>
/// <param name="families">The families' turns: the daemon's supervised ones, or a replay's.</param>
/// <param name="combiner">The combine stage.</param>
/// <param name="weights">The families' weights for the close (static or learned: <see cref="Combining.LearnedWeights"/>); the configured ones when null.</param>
internal sealed class CycleStep(IFamilyTurns families, ISignalCombiner combiner, Combining.IFamilyWeights? weights = null)
{
    /// <summary>The combine stage, for a replay that recombines a close without one family.</summary>
    public ISignalCombiner Combiner => combiner;

    /// <param name="input">The close: its snapshot and, for the daemon, the market and image the workers read.</param>
    /// <param name="day">What the market made of the day's bars (the report's fresh, stale and rejected counts).</param>
    /// <param name="config">The configuration in force.</param>
    /// <param name="configError">Why the file on disk is refused (the report says so), or null.</param>
    /// <param name="startedAt">When the day was taken (<see cref="Stopwatch.GetTimestamp"/>); now when not given.</param>
    public async Task<CycleResult> RunAsync(CycleInput input, DayReport? day, AlphaHostConfig config, string? configError = null,
        long? startedAt = null)
    {
        var started = startedAt ?? Stopwatch.GetTimestamp();
        var snapshot = input.Snapshot;
        var turns = await families.RunAsync(input, config).ConfigureAwait(false);
        var outcomes = weights?.Weigh(snapshot, turns, config) ?? turns;
        var combined = combiner.Combine(snapshot, outcomes, config);
        var report = new CycleReport
        {
            Cycle = snapshot.Cycle,
            MarketDate = snapshot.Date,
            FreshSymbols = day?.Fresh ?? snapshot.Symbols.Count,
            StaleSymbols = day?.Stale ?? 0,
            StaleNames = day?.StaleSymbols ?? [],
            UniverseSize = input.Market?.UniverseSize ?? snapshot.Symbols.Count,
            BenchmarkFresh = day?.BenchmarkFresh ?? true,
            RejectedBars = day?.Rejected.Count ?? 0,
            Families = outcomes.Select(o => FamilyStatuses.Of(o) with { Shadow = config.Family(o.Name).Shadow }).ToArray(),
            ConfigError = configError,
            Contributions = combined.MeanAbsContributions(),
            Combiner = Combining.CombinerView.Of(outcomes, config),
        };
        return new CycleResult(snapshot, outcomes, combined, config, report, started);
    }
}
