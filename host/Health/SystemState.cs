namespace AlphaHost.Host.Health;

/// <summary>
/// The written rules for the heartbeat's <c>state</c> and <c>ml_state</c>.
/// HALTED: no cycle has run yet (warm-up; nothing written), no new market data this cycle, no symbol with a fresh
/// bar, or every enabled family failed.
/// DEGRADED: no enabled family at all, any enabled family not OK, bad bars rejected, the benchmark missing, more than
/// <c>host.max_stale_fraction</c> of the universe stale, a rejected config edit, or a failed signal write.
/// OK otherwise.
/// </summary>
internal static class SystemState
{
    public const string Ok = "OK";
    public const string Degraded = "DEGRADED";
    public const string Halted = "HALTED";

    /// <summary>The system state and the reasons for it (empty when OK).</summary>
    public static (string State, IReadOnlyList<string> Reasons) Evaluate(CycleReport? report, double maxStaleFraction)
    {
        if (report is null)
        {
            return (Halted, ["starting"]);
        }

        var halted = new List<string>();
        if (!report.MarketData)
        {
            halted.Add("no_market_data");
        }
        else if (report.FreshSymbols == 0)
        {
            halted.Add("no_fresh_symbols");
        }

        var enabled = report.Families.Where(f => f.Enabled).ToList();
        if (report.MarketData && enabled.Count > 0 && enabled.All(f => f.Failed))
        {
            halted.Add("all_families_failed");
        }

        if (halted.Count > 0)
        {
            return (Halted, halted);
        }

        var degraded = new List<string>();
        if (enabled.Count == 0)
        {
            degraded.Add("no_enabled_family");
        }

        degraded.AddRange(enabled.Where(f => f.State != "OK").Select(f => $"family_{f.State.ToLowerInvariant()}:{f.Name}"));
        if (report.RejectedBars > 0)
        {
            degraded.Add("bad_bars");
        }

        if (!report.BenchmarkFresh)
        {
            degraded.Add("benchmark_missing");
        }

        if (report.UniverseSize > 0 && report.StaleSymbols > maxStaleFraction * report.UniverseSize)
        {
            degraded.Add("stale_symbols");
        }

        if (report.ConfigRejected)
        {
            degraded.Add("config_rejected");
        }

        if (report.SignalWriteFailed)
        {
            degraded.Add("signal_write_failed");
        }

        return degraded.Count > 0 ? (Degraded, degraded) : (Ok, []);
    }

    /// <summary>
    /// <c>ml_state</c> from the model families: <c>ABSENT</c> when none is installed, else the first one's
    /// state as <c>ENABLED|OK</c>, <c>ENABLED|DEGRADED</c>, <c>DISABLED_CONFIG</c> or <c>DISABLED_GOVERNANCE</c>.
    /// </summary>
    public static (string MlState, long ModelErrors) Model(CycleReport? report)
    {
        var models = report?.Families.Where(f => f.IsModelFamily).ToList() ?? [];
        if (models.Count == 0)
        {
            return ("ABSENT", 0);
        }

        var errors = models.Sum(m => m.ErrorCount);
        var model = models[0];
        var state = model.State switch
        {
            "DISABLED_CONFIG" => "DISABLED_CONFIG",
            "DISABLED_GOVERNANCE" => "DISABLED_GOVERNANCE",
            "OK" => "ENABLED|OK",
            _ => "ENABLED|DEGRADED",
        };
        return (state, errors);
    }
}
