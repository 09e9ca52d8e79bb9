using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Health;


namespace AlphaHost.Host.Daemon;

/// <summary>
/// The one place that reads the cycle loop's published status (<see cref="HostStatus"/>, <see cref="CycleReport"/>,
/// <see cref="FamilyStatus"/>) for <c>daemon.json</c>. Kept small and apart on purpose: when those types change, only this
/// mapping changes.
/// </summary>
internal static class DaemonStatusMapping
{
    /// <param name="identity">The run's fixed facts.</param>
    /// <param name="status">What the cycle loop published.</param>
    /// <param name="config">The config store (the version in force and a refused edit).</param>
    /// <param name="previous">The last record written.</param>
    /// <param name="clock">The clock (the write time, and the stall rule the heartbeat applies).</param>
    public static DaemonRecord Map(DaemonIdentity identity, HostStatus status, ConfigStore config, DaemonRecord? previous, TimeProvider clock)
    {
        var current = config.Current;
        var line = HeartbeatService.Compose(status, current, clock);
        var (inputs, _, _) = status.Read();
        var report = inputs.LastDay;
        return identity.Starting(current) with
        {
            Status = report is null && status.Cycles == 0 && inputs.Data is null ? "starting" : "running",
            UpdatedAt = clock.GetUtcNow(),
            ConfigError = config.RejectedError,
            OperatorOverride = current.Override,
            // The host runs no plugin code, so it knows a model family's folder only when the config names it.
            ModelsDir = inputs.Families.Where(f => f.IsModelFamily).Select(f => current.Family(f.Name).Values.GetValueOrDefault("models_dir"))
                .OfType<string>().Select(current.ResolvePath).FirstOrDefault() ?? previous?.ModelsDir,
            Cycle = status.Cycles,
            MarketDate = report?.MarketDate,
            Data = line.Data is { } data ? new DaemonData(StateText.Of(data), line.Next?.Session, line.Next?.Due, line.Next?.OverdueAt) : null,
            State = StateText.Of(line.State),
            Reasons = line.Reasons == "none" ? [] : line.Reasons.Split(','),
            MlState = StateText.Of(line.MlState),
            FamiliesCycle = report?.Cycle ?? previous?.FamiliesCycle ?? 0,
            Families = inputs.Families.Select(Family).ToArray(),
            LiveScores = report?.LiveScores ?? previous?.LiveScores ?? [],
            Http = status.HttpEndpoint,
        };
    }

    private static DaemonFamily Family(FamilyStatus family) => new(family.Name, family.Enabled, StateText.Of(family.State), family.IsModelFamily, family.Detail)
    {
        Mode = family.Shadow ? "shadow" : "live",
        MlState = family.IsModelFamily ? StateText.Of(StateRules.ModelStateOf(family.State)) : null,
        ServingModels = family.ServingModels,
    };
}
