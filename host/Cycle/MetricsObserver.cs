using AlphaHost.Host.Observability;

namespace AlphaHost.Host.Cycle;

/// <summary>Counts each close in the metrics (<see cref="AlphaHostMetrics"/>): its time, the families' turns and the combined signal.</summary>
internal sealed class MetricsObserver(AlphaHostMetrics metrics) : ICycleObserver
{
    public void OnCycle(CycleResult cycle)
    {
        metrics.Cycle(cycle.Elapsed, cycle.Outcomes, cycle.Combined);
        metrics.Families(cycle.Report.Families, cycled: true);
    }
}
