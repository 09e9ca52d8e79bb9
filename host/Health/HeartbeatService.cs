using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Logging;
using AlphaHost.Host.Market.Calendars;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Health;

/// <summary>
/// Writes the heartbeat every <c>host.heartbeat_interval</c> and once more at shutdown, after the cycle loop has
/// stopped. The message text starts exactly as operators and their scripts expect:
/// <c>[HEARTBEAT] uptime=159s | symbols=225 | cycles=2 | state=DEGRADED | ml_state=DISABLED_GOVERNANCE | model_errors=574</c>
/// and goes on with <c>date</c>, <c>families</c>, <c>ml_states</c> (every model family instance's own ml_state, shadow
/// ones marked: <c>ml_alpha:ENABLED|OK,ml_candidate:ENABLED|DEGRADED(shadow)</c>), cycle latency, memory, <c>logs</c>, <c>http</c> (the endpoint's address,
/// <c>off</c>, or <c>FAULT(reason)</c>), <c>reasons</c>, <c>data</c> and <c>models</c>,
/// then, only when they apply, <c>stalled_since</c>, <c>overdue_since</c>, <c>override</c> (the operator's kill switch
/// held in the runtime folder) and one <c>&lt;family&gt;=STATE: detail</c>
/// field for each enabled family that is not OK. It runs on its own timer and reads what the cycle loop last
/// published, so a loop that stops completing passes shows as <c>reasons=cycle_stalled</c> (<see cref="StallRule"/>).
/// Each beat renders one <see cref="DaemonStatus"/> record (<see cref="HeartbeatLine.Of"/>), as daemon.json, /api/status
/// and the metrics render theirs.
/// </summary>
internal sealed class HeartbeatService(HostStatus status, ConfigStore config, TimeProvider clock, ILogger<HeartbeatService> logger) : BackgroundService
{
    private const string Template =
        "[HEARTBEAT] uptime={Uptime}s | symbols={Symbols} | cycles={Cycles} | state={State} | ml_state={MlState} | model_errors={ModelErrors}" +
        " | date={MarketDate} | families={FamilyStates} | ml_states={MlStates} | cycle_p50_ms={CycleP50Ms} | cycle_p99_ms={CycleP99Ms} | mem_mb={MemoryMb} | heap_mb={HeapMb} | live_mb={LiveMb} | logs={Logs} | http={Http} | reasons={Reasons}" +
        " | data={Data} | models={Models}{Details}";

    /// <summary>
    /// The cycles of the dashboard's latency (<c>CycleP50RecentMs</c>, <c>CycleP99RecentMs</c>, properties of the JSON
    /// line): recent enough that a slow first cycle leaves the p99 after a hundred cycles.
    /// </summary>
    internal const int RecentCycles = 100;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Beat(final: true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = config.Current.Host.HeartbeatInterval;
        status.FamiliesStarted += OnFamiliesStarted;
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
        finally
        {
            status.FamiliesStarted -= OnFamiliesStarted;
        }
    }

    private void OnFamiliesStarted() => Beat(final: false);

    internal void Beat(bool final)
    {
        var record = DaemonStatus.Of(status, config.Current, clock);
        var line = HeartbeatLine.Of(record);
        // Each family's mean |contribution| in the last cycle rides along as a property of the JSON line (the dashboard's
        // contribution history), and so do the latencies of the recent cycles, not in the heartbeat's text.
        var recent = status.Latency(RecentCycles);
        var properties = new Dictionary<string, object>
        {
            ["Contributions"] = ContributionsText(record.LastDay), ["CycleP50RecentMs"] = Math.Round(recent.P50, 3), ["CycleP99RecentMs"] = Math.Round(recent.P99, 3),
        };
        if (final)
        {
            properties[ThrottledConsoleSink.AlwaysShowProperty] = true;
            properties["final"] = true;
        }

        using var scope = logger.BeginScope(properties);
        logger.LogInformation(Template, line.Uptime, line.Symbols, line.Cycles, StateText.Of(line.State), StateText.Of(line.MlState), line.ModelErrors,
            line.MarketDate, line.Families, line.MlStates, line.P50, line.P99, line.MemoryMb, line.HeapMb, line.LiveMb, line.Logs, line.Http, line.Reasons,
            HeartbeatLine.DataText(line), line.Models, line.Details);
    }

    /// <summary><c>family:mean|contribution|</c> pairs of the last cycle, comma-separated ("" before the first cycle).</summary>
    internal static string ContributionsText(CycleReport? last) => last is null ? "" :
        string.Join(",", last.Contributions.Select(c => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{c.Key}:{c.Value:0.######}")));
}
