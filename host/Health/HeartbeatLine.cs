using System.Globalization;
using AlphaHost.Abstractions;

namespace AlphaHost.Host.Health;

/// <summary>
/// The heartbeat's fields, rendered from one <see cref="DaemonStatus"/>; states stay typed until
/// <see cref="HeartbeatService"/> prints them. <c>/api/status</c> shows the same record as its <c>heartbeat</c> object.
/// </summary>
internal sealed record HeartbeatLine(long Uptime, int Symbols, long Cycles, SystemState State, ModelState MlState, long ModelErrors,
    string MarketDate, string Families, double P50, double P99, long MemoryMb, long HeapMb, long LiveMb, string Logs, string Reasons,
    DataState? Data, int Models, string Details, string Http, DataDue? Next, string MlStates)
{
    /// <summary>Longest family detail shown; the full text is in the family's own log events.</summary>
    private const int MaxDetailLength = 300;

    public static HeartbeatLine Of(DaemonStatus status)
    {
        var details = new List<string>();
        if (status.StalledSince is { } since)
        {
            details.Add($"stalled_since={Utc(since)}");
        }

        if (status.Data == DataState.Overdue && status.Next is { } next)
        {
            details.Add($"overdue_since={Utc(next.OverdueAt)}");
        }

        if (status.Stale is { } stale)
        {
            details.Add($"{StateRules.StaleSymbolsReason}={StaleText(stale)}");
        }

        if (status.Override is { } held)
        {
            // The kill switch held while the config file could not be edited: the line says so until `ml enable` clears it.
            details.Add($"override={Detail(held.Describe())}");
        }

        details.AddRange(status.Families.Where(f => f.Enabled && f.State != FamilyState.Ok).Select(f => $"{f.Name}={StateText.Of(f.State)}: {Detail(f.Detail)}"));
        return new HeartbeatLine(
            (long)status.Uptime.TotalSeconds,
            status.LastDay?.FreshSymbols ?? 0,
            status.Cycles,
            status.State,
            status.MlState,
            status.ModelErrors,
            status.MarketDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none",
            FamiliesText(status.Families),
            Math.Round(status.Latency.P50, 3),
            Math.Round(status.Latency.P99, 3),
            Environment.WorkingSet / (1024 * 1024),
            GC.GetGCMemoryInfo().HeapSizeBytes / (1024 * 1024),
            LiveHeapMb(),
            status.LogFaults.Count == 0 ? "ok" : "FAULT(" + string.Join("; ", status.LogFaults) + ")",
            status.Reasons.Count == 0 ? "none" : string.Join(",", status.Reasons),
            status.Data,
            status.ServingModels,
            string.Concat(details.Select(d => " | " + d)),
            status.Http.Text,
            status.Next,
            MlStatesText(status.ModelInstances));
    }

    /// <summary>
    /// The feed's state, and while it waits (or is overdue) the session it waits for: <c>WAITING next=2026-12-08
    /// due=2026-12-08T21:00:00Z overdue_at=2026-12-10T03:00:00Z</c>.
    /// </summary>
    internal static string DataText(HeartbeatLine line) => line.Data is not { } data ? "none"
        : line.Next is not { } next ? StateText.Of(data)
        : $"{StateText.Of(data)} next={next.Session:yyyy-MM-dd} due={Utc(next.Due)} overdue_at={Utc(next.OverdueAt)}";

    /// <summary>
    /// <c>ml_states</c>: every model family instance's own ml_state, shadow ones marked (<c>ml_alpha:ENABLED|OK,ml_candidate:DISABLED_CONFIG(shadow)</c>),
    /// <c>none</c> without a model family. Its <c>|</c> never has spaces around it, so the line still splits on <c>" | "</c>.
    /// </summary>
    private static string MlStatesText(IReadOnlyList<ModelInstance> instances) =>
        instances.Count == 0 ? "none" : string.Join(",", instances.Select(i => $"{i.Name}:{StateText.Of(i.MlState)}{(i.Mode == FamilyMode.Shadow ? "(shadow)" : "")}"));

    /// <summary><c>61 of 494: AAPL,MSFT,... (+51 more)</c>.</summary>
    private static string StaleText(StaleSymbols stale) =>
        $"{stale.Count} of {stale.Universe}: {string.Join(",", stale.Symbols)}{(stale.Count > stale.Symbols.Count ? $" (+{stale.Count - stale.Symbols.Count} more)" : "")}";

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string FamiliesText(IReadOnlyList<FamilyStatus> families) =>
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
