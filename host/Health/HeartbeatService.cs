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
/// and goes on with <c>date</c>, <c>families</c>, cycle latency, memory, <c>logs</c>, <c>http</c> (the endpoint's address,
/// <c>off</c>, or <c>FAULT(reason)</c>), <c>reasons</c>, <c>data</c> and <c>models</c>,
/// then, only when they apply, <c>stalled_since</c>, <c>overdue_since</c>, <c>override</c> (the operator's kill switch
/// held in the runtime folder) and one <c>&lt;family&gt;=STATE: detail</c>
/// field for each enabled family that is not OK. It runs on its own timer and reads what the cycle loop last
/// published, so a loop that stops completing passes shows as <c>reasons=cycle_stalled</c> (<see cref="StallRule"/>).
/// </summary>
internal sealed class HeartbeatService(HostStatus status, ConfigStore config, TimeProvider clock, LogFileHealth logHealth, ILogger<HeartbeatService> logger) : BackgroundService
{
    private const string Template =
        "[HEARTBEAT] uptime={Uptime}s | symbols={Symbols} | cycles={Cycles} | state={State} | ml_state={MlState} | model_errors={ModelErrors}" +
        " | date={MarketDate} | families={FamilyStates} | cycle_p50_ms={CycleP50Ms} | cycle_p99_ms={CycleP99Ms} | mem_mb={MemoryMb} | heap_mb={HeapMb} | live_mb={LiveMb} | logs={Logs} | http={Http} | reasons={Reasons}" +
        " | data={Data} | models={Models}{Details}";

    /// <summary>
    /// The cycles of the dashboard's latency (<c>CycleP50RecentMs</c>, <c>CycleP99RecentMs</c>, properties of the JSON
    /// line): recent enough that a slow first cycle leaves the p99 after a hundred cycles.
    /// </summary>
    internal const int RecentCycles = 100;

    /// <summary>Longest family detail shown; the full text is in the family's own log events.</summary>
    private const int MaxDetailLength = 300;

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
        // Each family's mean |contribution| in the last cycle rides along as a property of the JSON line (the dashboard's
        // contribution history), and so do the latencies of the recent cycles, not in the heartbeat's text.
        var recent = status.Latency(RecentCycles);
        var properties = new Dictionary<string, object>
        {
            ["Contributions"] = ContributionsText(status.Last), ["CycleP50RecentMs"] = Math.Round(recent.P50, 3), ["CycleP99RecentMs"] = Math.Round(recent.P99, 3),
        };
        if (final)
        {
            properties[ThrottledConsoleSink.AlwaysShowProperty] = true;
            properties["final"] = true;
        }

        using var scope = logger.BeginScope(properties);
        logger.LogInformation(Template, line.Uptime, line.Symbols, line.Cycles, StateText.Of(line.State), StateText.Of(line.MlState), line.ModelErrors,
            line.MarketDate, line.Families, line.P50, line.P99, line.MemoryMb, line.HeapMb, line.LiveMb, line.Logs, line.Http, line.Reasons,
            DataText(line), line.Models, line.Details);
    }

    /// <summary>
    /// The feed's state, and while it waits (or is overdue) the session it waits for: <c>WAITING next=2026-12-08
    /// due=2026-12-08T21:00:00Z overdue_at=2026-12-10T03:00:00Z</c>.
    /// </summary>
    internal static string DataText(HeartbeatLine line) => line.Data is not { } data ? "none"
        : line.Next is not { } next ? StateText.Of(data)
        : $"{StateText.Of(data)} next={next.Session:yyyy-MM-dd} due={Utc(next.Due)} overdue_at={Utc(next.OverdueAt)}";

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary><c>family:mean|contribution|</c> pairs of the last cycle, comma-separated ("" before the first cycle).</summary>
    internal static string ContributionsText(CycleReport? last) => last is null ? "" :
        string.Join(",", last.Contributions.Select(c => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{c.Key}:{c.Value:0.######}")));

    /// <param name="logFaults">Log files that cannot be written: they turn an OK state DEGRADED and are named in the reasons, as do an HTTP
    /// endpoint that could not listen (<c>http_unavailable</c>) and a pass that found no free file descriptor (<c>fd_exhausted</c>).</param>
    internal static HeartbeatLine Compose(HostStatus status, AlphaHostConfig config, TimeProvider clock, IReadOnlyList<LogFileFault>? logFaults = null)
    {
        var now = clock.GetUtcNow();
        var (inputs, lastPass, dataDate) = status.Read();
        var stalled = StallRule.IsStalled(lastPass, now, StallRule.Limit(config));
        var (state, reasons) = StateRules.Evaluate(inputs with { Stalled = stalled }, config.Host.MaxStaleFraction);
        logFaults ??= [];
        IReadOnlyList<string> faults =
        [
            .. logFaults.Select(f => "log_fault:" + f.File),
            .. status.HttpEndpoint.State == "failed" ? ["http_unavailable"] : Array.Empty<string>(),
            .. status.FdExhausted ? ["fd_exhausted"] : Array.Empty<string>(),
        ];
        if (faults.Count > 0)
        {
            state = state == SystemState.Ok ? SystemState.Degraded : state;
            reasons = [.. reasons, .. faults];
        }

        var report = inputs.LastDay;
        var (mlState, modelErrors) = StateRules.Model(inputs.Families);
        var (p50, p99) = status.Latency();
        var details = new List<string>();
        if (stalled)
        {
            details.Add($"stalled_since={lastPass!.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
        }

        var next = inputs.Data is DataState.Waiting or DataState.Overdue && dataDate is { } last
            ? DataSchedule.Next(ExchangeCalendars.Named(config.Market.Calendar), last, config.Market.MaxDataDelay)
            : null;
        if (inputs.Data == DataState.Overdue && next is not null)
        {
            details.Add($"overdue_since={Utc(next.OverdueAt)}");
        }

        if (config.Override is { } held)
        {
            // The kill switch held while the config file could not be edited: the line says so until `ml enable` clears it.
            details.Add($"override={Detail(held.Describe())}");
        }

        details.AddRange(inputs.Families.Where(f => f.Enabled && f.State != FamilyState.Ok).Select(f => $"{f.Name}={StateText.Of(f.State)}: {Detail(f.Detail)}"));
        return new HeartbeatLine(
            (long)(now - status.StartedAt).TotalSeconds,
            report?.FreshSymbols ?? 0,
            status.Cycles,
            state,
            mlState,
            modelErrors,
            (report?.MarketDate ?? dataDate)?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "none",
            Families(inputs.Families),
            Math.Round(p50, 3),
            Math.Round(p99, 3),
            Environment.WorkingSet / (1024 * 1024),
            GC.GetGCMemoryInfo().HeapSizeBytes / (1024 * 1024),
            LiveHeapMb(),
            logFaults.Count == 0 ? "ok" : "FAULT(" + string.Join("; ", logFaults) + ")",
            reasons.Count == 0 ? "none" : string.Join(",", reasons),
            inputs.Data,
            inputs.Families.Sum(f => f.ServingModels ?? 0),
            string.Concat(details.Select(d => " | " + d)),
            status.HttpEndpoint.Text,
            next);
    }

    private static string Families(IReadOnlyList<FamilyStatus> families) =>
        families.Count == 0 ? "none" : string.Join(",", families.Select(f => $"{f.Name}:{StateText.Of(f.State)}{(f.Shadow ? "(shadow)" : "")}"));

    /// <summary>A family's detail on one line without the field separator, so that the heartbeat stays splittable on <c>" | "</c>.</summary>
    private static string Detail(string? detail)
    {
        if (string.IsNullOrWhiteSpace(detail))
        {
            return "(the family gave no detail)";
        }

        var line = detail.ReplaceLineEndings(" ").Replace('|', '/').Trim();
        return line.Length <= MaxDetailLength ? line : line[..MaxDetailLength] + "...";
    }

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

/// <summary>The heartbeat's fields; states stay typed until <see cref="HeartbeatService"/> prints them.</summary>
internal sealed record HeartbeatLine(long Uptime, int Symbols, long Cycles, SystemState State, ModelState MlState, long ModelErrors,
    string MarketDate, string Families, double P50, double P99, long MemoryMb, long HeapMb, long LiveMb, string Logs, string Reasons,
    DataState? Data, int Models, string Details, string Http, DataDue? Next = null);
