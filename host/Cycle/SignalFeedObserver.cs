using AlphaHost.Host.Http;

namespace AlphaHost.Host.Cycle;

/// <summary>Publishes each close's <c>latest.json</c> on the SSE stream (<see cref="SignalFeed"/>), once it is written.</summary>
internal sealed class SignalFeedObserver(SignalFeed feed, SignalWriter writer, SignalJournalObserver journal) : ICycleObserver
{
    public void OnCycle(CycleResult cycle)
    {
        if (!journal.LastWriteFailed)
        {
            feed.Publish(cycle.Combined.Cycle, writer.LatestJson);
        }
    }
}
