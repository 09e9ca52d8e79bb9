using AlphaHost.Host.Scoring;

namespace AlphaHost.Host.Cycle;

/// <summary>Scores each close's signals, every family's and the combined one, as the returns arrive (<see cref="LiveScorer"/>).</summary>
internal sealed class LiveScoreObserver(LiveScorer scorer) : ICycleObserver
{
    public void OnCycle(CycleResult cycle) => scorer.Observe(cycle.Snapshot, cycle.Outcomes, cycle.Combined);
}
