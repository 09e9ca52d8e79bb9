using AlphaHost.Abstractions;

namespace AlphaHost.Host.Health;

/// <summary>What the state rules look at.</summary>
/// <param name="LastDay">The last cycle that processed a trading day; null before the first.</param>
/// <param name="Families">Every family's state: the last processed day's (kept while waiting for the next, with config
/// enables and disables applied at each idle pass), or as loaded at start before the first processed day.</param>
/// <param name="Data">The feed's state after the loop's last pass; null before the first pass.</param>
/// <param name="Stalled">Whether <see cref="StallRule"/> says the loop stopped completing passes.</param>
/// <param name="ConfigRejected">Whether the config file in force on disk was rejected (checked at every pass).</param>
internal sealed record StateInputs(CycleReport? LastDay, IReadOnlyList<FamilyStatus> Families, DataState? Data, bool Stalled = false, bool ConfigRejected = false);

/// <summary>
/// The written rules for the heartbeat's <c>state</c> and <c>ml_state</c>.
/// HALTED: the loop stalled (<see cref="StallRule"/>); no pass of the loop yet (starting); the next trading day is
/// overdue (<see cref="DataSchedule"/>); the last processed day had no symbol with a fresh bar; or every enabled family
/// failed on it.
/// DEGRADED: no enabled family at all, any enabled family not OK, bad bars rejected, the benchmark missing, more than
/// <c>host.max_stale_fraction</c> of the universe stale, a rejected config edit, or a failed signal write.
/// OK otherwise, also while waiting for a next day that is not overdue yet (the families keep their last states).
/// </summary>
internal static class StateRules
{
    /// <summary>The reason for more than <c>host.max_stale_fraction</c> of the universe stale; alert rules match this token, <see cref="StaleSymbols"/> names them.</summary>
    public const string StaleSymbolsReason = "stale_symbols";

    /// <summary>The system state and the reasons for it (empty when OK).</summary>
    public static (SystemState State, IReadOnlyList<string> Reasons) Evaluate(StateInputs inputs, double maxStaleFraction)
    {
        var halted = new List<string>();
        if (inputs.Stalled)
        {
            halted.Add("cycle_stalled");
        }

        if (inputs.Data is null)
        {
            halted.Add("starting");
        }
        else if (inputs.Data == DataState.Overdue)
        {
            halted.Add("data_overdue");
        }

        var report = inputs.LastDay;
        var enabled = inputs.Families.Where(f => f.Enabled).ToList();
        if (report is not null)
        {
            if (report.FreshSymbols == 0)
            {
                halted.Add("no_fresh_symbols");
            }

            if (enabled.Count > 0 && enabled.All(f => f.Failed))
            {
                halted.Add("all_families_failed");
            }
        }

        if (halted.Count > 0)
        {
            // A refused config is no reason to halt, but the operator must see it whatever the state.
            return (SystemState.Halted, inputs.ConfigRejected ? [.. halted, "config_rejected"] : halted);
        }

        var degraded = new List<string>();
        if (enabled.Count == 0)
        {
            degraded.Add("no_enabled_family");
        }

        degraded.AddRange(enabled.Where(f => f.State != FamilyState.Ok).Select(f => $"family_{StateText.Of(f.State).ToLowerInvariant()}:{f.Name}"));
        if (report is not null)
        {
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
                degraded.Add(StaleSymbolsReason);
            }

            if (report.SignalWriteFailed)
            {
                degraded.Add("signal_write_failed");
            }
        }

        if (inputs.ConfigRejected)
        {
            degraded.Add("config_rejected");
        }

        return degraded.Count > 0 ? (SystemState.Degraded, degraded) : (SystemState.Ok, []);
    }

    /// <summary>
    /// <c>ml_state</c> from the model families: <see cref="ModelState.Absent"/> when none is installed, else the first
    /// one's state, and their error count.
    /// </summary>
    public static (ModelState State, long ModelErrors) Model(IReadOnlyList<FamilyStatus> families)
    {
        var models = families.Where(f => f.IsModelFamily).ToList();
        if (models.Count == 0)
        {
            return (ModelState.Absent, 0);
        }

        return (ModelStateOf(models[0].State), models.Sum(m => m.ErrorCount));
    }

    /// <summary>One model family instance's <c>ml_state</c>, from its family state.</summary>
    public static ModelState ModelStateOf(FamilyState state) => state switch
    {
        FamilyState.DisabledConfig => ModelState.DisabledConfig,
        FamilyState.DisabledGovernance => ModelState.DisabledGovernance,
        FamilyState.Ok => ModelState.EnabledOk,
        _ => ModelState.EnabledDegraded,
    };
}
