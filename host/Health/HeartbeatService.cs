using AlphaHost.Host.Configuration;
using AlphaHost.Host.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Health;

/// <summary>
/// Writes the heartbeat every <c>host.heartbeat_interval</c> and once more at shutdown, after the cycle loop has
/// stopped. The message text starts exactly as operators and their scripts expect:
/// <c>[HEARTBEAT] uptime=159s | symbols=225 | cycles=2 | state=DEGRADED | ml_state=DISABLED_GOVERNANCE | model_errors=574</c>
/// and goes on with <c>date</c>, <c>families</c>, cycle latency, memory and, when not OK, <c>reasons</c>.
/// </summary>
internal sealed class HeartbeatService(HostStatus status, ConfigStore config, TimeProvider clock, LogFileHealth logHealth, ILogger<HeartbeatService> logger) : BackgroundService
{
    private const string Template =
        "[HEARTBEAT] uptime={Uptime}s | symbols={Symbols} | cycles={Cycles} | state={State} | ml_state={MlState} | model_errors={ModelErrors}" +
        " | date={MarketDate} | families={FamilyStates} | cycle_p50_ms={CycleP50Ms} | cycle_p99_ms={CycleP99Ms} | mem_mb={MemoryMb} | heap_mb={HeapMb} | live_mb={LiveMb} | logs={Logs} | reasons={Reasons}";

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Beat(final: true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = config.Current.Host.HeartbeatInterval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(interval, clock, stoppingToken).ConfigureAwait(false);
                Beat(final: false);
                interval = config.Current.Host.HeartbeatInterval;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the final heartbeat is written by StopAsync once the cycle loop has finished.
        }
    }

    internal void Beat(bool final)
    {
        var line = Compose(status, config.Current, clock, logHealth.Faults);
        using var scope = final ? logger.BeginScope(new Dictionary<string, object> { [ThrottledConsoleSink.AlwaysShowProperty] = true, ["final"] = true }) : null;
        logger.LogInformation(Template, line.Uptime, line.Symbols, line.Cycles, line.State, line.MlState, line.ModelErrors,
            line.MarketDate, line.Families, line.P50, line.P99, line.MemoryMb, line.HeapMb, line.LiveMb, line.Logs, line.Reasons);
    }

    /// <param name="logFaults">Log files that cannot be written: they turn an OK state DEGRADED and are named in the reasons.</param>
    internal static HeartbeatLine Compose(HostStatus status, AlphaHostConfig config, TimeProvider clock, IReadOnlyList<LogFileFault>? logFaults = null)
    {
        var report = status.Last;
        var (state, reasons) = SystemState.Evaluate(report, config.Host.MaxStaleFraction);
        logFaults ??= [];
        if (logFaults.Count > 0)
        {
            state = state == SystemState.Ok ? SystemState.Degraded : state;
            reasons = [.. reasons, .. logFaults.Select(f => "log_fault:" + f.File)];
        }

        var (mlState, modelErrors) = SystemState.Model(report ?? new CycleReport { Families = status.LoadedFamilies });
        var (p50, p99) = status.Latency();
        return new HeartbeatLine(
            (long)(clock.GetUtcNow() - status.StartedAt).TotalSeconds,
            report?.FreshSymbols ?? 0,
            status.Cycles,
            state,
            mlState,
            modelErrors,
            report?.MarketDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "none",
            Families(report?.Families ?? status.LoadedFamilies),
            Math.Round(p50, 3),
            Math.Round(p99, 3),
            Environment.WorkingSet / (1024 * 1024),
            GC.GetGCMemoryInfo().HeapSizeBytes / (1024 * 1024),
            LiveHeapMb(),
            logFaults.Count == 0 ? "ok" : "FAULT(" + string.Join("; ", logFaults) + ")",
            reasons.Count == 0 ? "none" : string.Join(",", reasons));
    }

    private static string Families(IReadOnlyList<FamilyStatus> families) =>
        families.Count == 0 ? "none" : string.Join(",", families.Select(f => $"{f.Name}:{f.State}"));

    /// <summary>
    /// The managed heap in use right after the last full collection (0 before the first): what the daemon really keeps,
    /// unlike <c>heap_mb</c>, which includes garbage not collected yet. Flat over a long run means no leak.
    /// </summary>
    private static long LiveHeapMb()
    {
        var full = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return full.Index == 0 ? 0 : (full.HeapSizeBytes - full.FragmentedBytes) / (1024 * 1024);
    }
}

/// <summary>The heartbeat's fields.</summary>
internal sealed record HeartbeatLine(long Uptime, int Symbols, long Cycles, string State, string MlState, long ModelErrors,
    string MarketDate, string Families, double P50, double P99, long MemoryMb, long HeapMb, long LiveMb, string Logs, string Reasons);
