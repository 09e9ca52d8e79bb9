using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Plugins;
using AlphaHost.Host.Workers;

namespace AlphaHost.Host.Families;

/// <summary>
/// One configured instance of an exported family in the daemon (<c>families.&lt;instance&gt;</c>; the family's own name
/// for its own instance): where it comes from, how it is isolated, the endpoint serving it now (none while
/// it starts, is disabled or waits out a quarantine), a replacement starting from newer plugin files, and its quarantine.
/// </summary>
/// <param name="instance">The instance's name; null for the family's own instance.</param>
internal sealed class FamilySlot(AlphaFamilyAttribute export, PluginInfo plugin, TimeProvider clock, string? instance = null)
{
    /// <summary>The instance's name: its config section, state folder, heartbeat and status entries, journals and scores go by it.</summary>
    public string Name { get; } = instance ?? export.Name;

    public AlphaFamilyAttribute Export { get; } = export;

    public PluginInfo Plugin { get; set; } = plugin;

    public Quarantine Quarantine { get; } = new(clock);

    /// <summary>The endpoint serving the family, or null.</summary>
    public IFamilyEndpoint? Endpoint { get; set; }

    /// <summary>A start in progress (first start, restart, or hot reload from <see cref="PendingPlugin"/>).</summary>
    public Task<IFamilyEndpoint>? Starting { get; set; }

    /// <summary>The plugin files a start in progress loads, when they differ from <see cref="Plugin"/> (hot reload).</summary>
    public PluginInfo? PendingPlugin { get; set; }

    /// <summary>The section last handed to the family.</summary>
    public FamilyConfig AppliedConfig { get; set; } = FamilyConfig.Absent;

    /// <summary>Its health as of its last answer; before any, "starting".</summary>
    public FamilyHealth LastHealth { get; set; } = new(FamilyState.Degraded, 0, "starting");

    /// <summary>Why its last start failed, while it waits to retry.</summary>
    public string? StartFailure { get; set; }

    /// <summary>Failures the host counted (throws, overruns, bad values, dead workers), apart from the family's own count.</summary>
    public long HostErrors { get; set; }

    /// <summary>Cycles in a row it answered without a single signal (reset by any signal).</summary>
    public int SilentCycles { get; set; }
    /// <summary>The one way its own log events reach the host's logs (stamped, budgeted); null where nothing runs it (a backtest replay).</summary>
    public Logging.PluginLogGate? Log { get; init; }

    /// <summary>Times its worker was started again after the first start.</summary>
    public int Restarts { get; set; }

    /// <summary>Bytes of its workers' console output the host dropped (over the budget, or past a line's cut).</summary>
    public OutputTally OutputDropped { get; } = new();

    public bool IsEnabled(AlphaHostConfig config) => config.IsEnabled(Export, Name);

    /// <summary>Where it runs: its own <c>isolation</c>, else <c>host.family_isolation</c>.</summary>
    public FamilyIsolation IsolationIn(AlphaHostConfig config) => config.Family(Name).Isolation ?? config.Host.FamilyIsolation;

    /// <summary>The time it is given for a call: its own <c>timeout</c>, else <c>host.family_timeout</c>.</summary>
    public TimeSpan BudgetIn(AlphaHostConfig config) => config.Family(Name).Timeout ?? config.Host.FamilyTimeout;

    /// <summary>Its settings from <paramref name="section"/>; relative paths (e.g. <c>models_dir</c>) are taken from the config file's folder.</summary>
    public FamilySettings SettingsFrom(FamilyConfig section, AlphaHostConfig config) => new($"families.{Name}", section.Values, config.ConfigDirectory);
}
