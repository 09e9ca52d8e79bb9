using AlphaHost.Host.Observability;
using AlphaHost.Host.Portfolio;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Cycle;

/// <summary>Turns each close's combined signal into the target book (<see cref="PortfolioTargetFile"/>: <c>runtime/portfolio/latest.json</c> and its gauges).</summary>
internal sealed class PortfolioObserver(Configuration.RuntimePaths paths, AlphaHostMetrics metrics, ILogger<CycleService> logger) : ICycleObserver
{
    private readonly PortfolioTargetFile _file = new(paths.RuntimeDir, metrics.Meter, logger);

    public void OnCycle(CycleResult cycle) =>
        _file.Write(cycle.Snapshot, cycle.Combined.Signals.Select(s => KeyValuePair.Create(s.Symbol, s.Signal)), cycle.Config.Portfolio);
}
