using AlphaHost.Host.Health;
using AlphaHost.Host.Scoring;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// Tells the status each close's report (<see cref="HostStatus.Publish"/>), with what the observers before it found: whether
/// the signals were written, and the live scores after the day.
/// </summary>
internal sealed class StatusObserver(HostStatus status, LiveScorer scorer, SignalJournalObserver journal) : ICycleObserver
{
    public void OnCycle(CycleResult cycle) =>
        status.Publish(cycle.Report with { SignalWriteFailed = journal.LastWriteFailed, LiveScores = scorer.Scores() }, cycle.Elapsed);
}
