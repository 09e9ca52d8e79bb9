using System.Diagnostics;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Health;

namespace AlphaHost.Host.Cycle;

/// <summary>What one close produced: the <see cref="CycleStep"/>'s result, handed to every <see cref="ICycleObserver"/>.</summary>
/// <param name="Snapshot">The close the families computed on.</param>
/// <param name="Outcomes">Each family's turn, shadow families included.</param>
/// <param name="Combined">The combined signal.</param>
/// <param name="Config">The configuration the close ran under.</param>
/// <param name="Report">What the heartbeat and the state rules are told of it (the status observer adds the write and the live scores).</param>
/// <param name="StartedAt">When the day was taken (<see cref="Stopwatch.GetTimestamp"/>).</param>
internal sealed record CycleResult(MarketSnapshot Snapshot, IReadOnlyList<FamilyOutcome> Outcomes, CombinedSignals Combined, AlphaHostConfig Config,
    CycleReport Report, long StartedAt)
{
    private TimeSpan? _elapsed;

    /// <summary>
    /// The cycle's time, taken by the first observer that reads it (the status, after the signals are written) and the
    /// same for the ones after it (the metrics): compute and writes, without the pause.
    /// </summary>
    public TimeSpan Elapsed => _elapsed ??= Stopwatch.GetElapsedTime(StartedAt);

    /// <summary>The families in shadow mode: computed and scored, no part of <see cref="Combined"/>.</summary>
    public IReadOnlyList<FamilyOutcome> Shadows => Outcomes.Where(o => Config.Family(o.Name).Shadow).ToArray();
}

/// <summary>What the daemon does with a close's result: the journal, the latest file, the SSE feed, the live scores, the status, the metrics.</summary>
internal interface ICycleObserver
{
    /// <summary>Called once per close, in the order the observers were registered (the composition root's order).</summary>
    void OnCycle(CycleResult cycle);
}
