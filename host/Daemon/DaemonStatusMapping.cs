using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Health;
using AlphaHost.Host.Plugins;

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
    /// <param name="families">The loaded families, for what only they know (models folder, detail line).</param>
    /// <param name="previous">The last record written: a cycle without market data runs no family, so their states carry over.</param>
    /// <param name="now">The time of the write.</param>
    public static DaemonRecord Map(DaemonIdentity identity, HostStatus status, ConfigStore config, IReadOnlyList<FamilyHandle> families,
        DaemonRecord? previous, DateTimeOffset now)
    {
        var current = config.Current;
        var report = status.Last;
        var (state, reasons) = SystemState.Evaluate(report, current.Host.MaxStaleFraction);
        var (mlState, _) = SystemState.Model(report ?? new CycleReport { Families = status.LoadedFamilies });
        var ran = report?.Families is { Count: > 0 } ? report.Families : null;
        var handles = families.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var familyList = ran is not null ? ran.Select(f => Family(f, handles)).ToArray()
            : previous is { Families.Count: > 0 } ? previous.Families
            : status.LoadedFamilies.Select(f => Family(f, handles)).ToArray();

        return identity.Starting(current) with
        {
            Status = report is null ? "starting" : "running",
            UpdatedAt = now,
            ConfigError = config.RejectedError,
            ModelsDir = families.Where(f => f.Export.IsModelFamily).Select(ModelsDir).FirstOrDefault(d => d is not null) ?? previous?.ModelsDir,
            Cycle = status.Cycles,
            MarketDate = report?.MarketDate,
            State = state,
            Reasons = reasons,
            MlState = mlState,
            FamiliesCycle = ran is not null ? report!.Cycle : previous?.FamiliesCycle ?? 0,
            Families = familyList,
        };
    }

    private static DaemonFamily Family(FamilyStatus family, IReadOnlyDictionary<string, FamilyHandle> handles) =>
        new(family.Name, family.Enabled, family.State, family.IsModelFamily, handles.GetValueOrDefault(family.Name)?.ReadHealth().Detail);

    private static string? ModelsDir(FamilyHandle handle)
    {
        try
        {
            return (handle.Family as IModelCatalog)?.ModelsDirectory;
        }
        catch (Exception)
        {
            // A plugin's getter failing costs only this field.
            return null;
        }
    }
}
