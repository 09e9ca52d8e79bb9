using AlphaHost.Host.Configuration;
using AlphaHost.Host.Health;

namespace AlphaHost.Host.Daemon;

/// <summary>
/// Renders the status record (<see cref="DaemonStatus"/>) as <c>daemon.json</c>'s <see cref="DaemonRecord"/>. Kept small
/// and apart on purpose: when the record changes, only this mapping changes. States are copied as enums; the file's
/// text comes from <see cref="StateJson"/>.
/// </summary>
internal static class DaemonStatusMapping
{
    /// <param name="identity">The run's fixed facts.</param>
    /// <param name="status">The status record to render.</param>
    /// <param name="config">The config store (the version in force and a refused edit).</param>
    /// <param name="previous">The last record written.</param>
    public static DaemonRecord Map(DaemonIdentity identity, DaemonStatus status, ConfigStore config, DaemonRecord? previous)
    {
        var current = config.Current;
        var report = status.LastDay;
        return identity.Starting(current) with
        {
            Status = status.Run,
            UpdatedAt = status.At,
            ConfigError = config.RejectedError,
            OperatorOverride = status.Override,
            // The host runs no plugin code, so it knows a model family's folder only when the config names it.
            ModelsDir = status.ModelInstances.Select(m => current.Family(m.Name).Values.GetValueOrDefault("models_dir"))
                .OfType<string>().Select(current.ResolvePath).FirstOrDefault() ?? previous?.ModelsDir,
            Cycle = status.Cycles,
            MarketDate = report?.MarketDate,
            Data = status.Data is { } data ? new DaemonData(data, status.Next?.Session, status.Next?.Due, status.Next?.OverdueAt) : null,
            State = status.State,
            Reasons = status.Reasons,
            StaleSymbols = status.Stale,
            MlState = status.MlState,
            FamiliesCycle = report?.Cycle ?? previous?.FamiliesCycle ?? 0,
            Families = status.Families.Select(Family).ToArray(),
            LiveScores = report?.LiveScores ?? previous?.LiveScores ?? [],
            Http = status.Http,
        };
    }

    private static DaemonFamily Family(FamilyStatus family) => new(family.Name, family.Enabled, family.State, family.IsModelFamily, family.Detail)
    {
        Mode = family.Shadow ? FamilyMode.Shadow : FamilyMode.Live,
        MlState = family.IsModelFamily ? StateRules.ModelStateOf(family.State) : null,
        ServingModels = family.ServingModels,
        Running = family.Running,
    };
}
