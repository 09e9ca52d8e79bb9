using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Families;

/// <summary>
/// The family lifecycle, used by the daemon and the offline commands alike: the <see cref="PluginWatcher"/> says which
/// plugin builds are in force, a slot is kept for each configured instance of each exported family
/// (<c>families.&lt;instance&gt;.family</c>; a family's own name is its own instance), the <see cref="SlotLifecycle"/>
/// starts, stops, swaps, restarts and quarantines each slot, and the <see cref="FamilyConfigurator"/> applies a changed
/// config or rolls it back. Where a family runs is the starter's choice: a worker or in process for the daemon
/// (<see cref="DaemonFamilyStarter"/>), in process for an offline command.
/// </summary>
/// <param name="starter">Where families start; null for the daemon's (<see cref="DaemonFamilyStarter"/>).</param>
/// <param name="offline">How an offline command runs the lifecycle; null for the daemon.</param>
internal sealed class FamilySupervisor(
    Serilog.ILogger serilog,
    TimeProvider clock,
    ILogger<FamilySupervisor> logger,
    IFamilyStarter? starter = null,
    OfflineLifecycle? offline = null) : IAsyncDisposable, IConfigTarget
{
    private readonly Dictionary<string, FamilySlot> _instances = new(StringComparer.Ordinal);
    private readonly PluginWatcher _watcher = new(clock, logger);
    private readonly SlotLifecycle _lifecycle = new(starter ?? new DaemonFamilyStarter(serilog, clock), clock, logger, startDisabled: offline is not null);
    private readonly FamilyConfigurator _configurator = new(logger, offline?.ConfigureBudget);
    private bool _stopped;

    /// <summary>Every configured instance of every exported family, in plugin folder order, each family's own instance first.</summary>
    public IReadOnlyList<FamilySlot> Slots { get; private set; } = [];

    /// <summary>The families the plugin folders export (of the builds that loaded): what a config's <c>family:</c> may name.</summary>
    public IReadOnlyList<AlphaFamilyAttribute> Exports => _watcher.Exports;

    /// <summary>Plugin folders that cannot load, with the reason.</summary>
    public IReadOnlyDictionary<string, string> Failures => _watcher.Failures;

    /// <summary>
    /// Looks at the plugin folders (new, replaced, trust changed; at most once a second), then starts, stops, swaps and
    /// restarts families as the config and their states say (every call).
    /// </summary>
    public void Refresh(string pluginsDir, string stateRoot, AlphaHostConfig config)
    {
        _lifecycle.StateRoot = stateRoot;
        Declare(pluginsDir, config);
        foreach (var slot in Slots)
        {
            _lifecycle.Supervise(slot, config);
        }
    }

    /// <summary>
    /// Reads the plugin folders' declarations (from metadata) into <see cref="Slots"/> without starting anything: what a
    /// command that only needs a family's name, flag or instances works from.
    /// </summary>
    public void Declare(string pluginsDir, AlphaHostConfig config)
    {
        foreach (var change in _watcher.Look(pluginsDir, config.Plugins))
        {
            foreach (var slot in _instances.Values.Where(s => s.Plugin.Folder == change.Folder))
            {
                if (change.Build is null)
                {
                    _lifecycle.Revoke(slot);
                }
                else if (change.Build.Exports.Any(e => e.Name == slot.Export.Name))
                {
                    // The instances of a family the new build no longer exports are stopped by Arrange.
                    SlotLifecycle.Swap(slot, change.Build.Info);
                }
            }
        }

        Arrange(config);
    }

    /// <summary>Starts one declared slot (an offline command that acts on one instance) and waits (at most <paramref name="budget"/>) for it.</summary>
    public Task StartAsync(FamilySlot slot, string stateRoot, TimeSpan budget, AlphaHostConfig config)
    {
        _lifecycle.StateRoot = stateRoot;
        _lifecycle.Supervise(slot, config);
        return _lifecycle.WaitForStartsAsync([slot], budget, config);
    }

    /// <summary>Waits (at most <paramref name="budget"/>) for the starts in progress: the daemon does this once, before its first cycle.</summary>
    public Task WaitForStartsAsync(TimeSpan budget, AlphaHostConfig config) => _lifecycle.WaitForStartsAsync(Slots, budget, config);

    /// <summary>Hands changed family sections to the running families; the first refusal is returned (and the others undone).</summary>
    public Task<string?> ApplyConfigAsync(AlphaHostConfig candidate) => _configurator.ApplyAsync(Slots, candidate);

    /// <summary>
    /// Reads every running enabled family's health at once, each within its budget (a pass without a new trading day):
    /// what changed outside the cycle (a governance reset, a trip) shows without waiting for the next day.
    /// </summary>
    public async Task RefreshHealthAsync(AlphaHostConfig config)
    {
        var running = Slots.Where(s => s.Endpoint is not null && s.IsEnabled(config) && !s.Quarantine.IsActive).ToList();
        var healths = await Task.WhenAll(running.Select(s => s.Endpoint!.RefreshHealthAsync(s.BudgetIn(config)))).ConfigureAwait(false);
        for (var i = 0; i < running.Count; i++)
        {
            running[i].LastHealth = healths[i];
        }
    }

    /// <summary>Records a failed cycle of <paramref name="slot"/>; a dead worker or a quarantine stops its endpoint so a new one can start later.</summary>
    public void Retire(FamilySlot slot, string reason) => _lifecycle.Retire(slot, reason);

    /// <summary>Stops every family (once; the cycle loop and the DI container both call it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _lifecycle.StopAllAsync(Slots).ConfigureAwait(false);
        Slots = [];
    }

    /// <summary>
    /// One slot per configured instance of each exported family (the config may have gained or lost instances since the
    /// last pass): a new instance gets a new slot, a removed one (or one now naming another family) is stopped.
    /// </summary>
    private void Arrange(AlphaHostConfig config)
    {
        var slots = new List<FamilySlot>();
        foreach (var build in _watcher.Builds)
        {
            foreach (var export in build.Exports.Where(e => offline?.Capability is not { } capability || Declares(build.Info, e, capability)))
            {
                foreach (var instance in config.InstancesOf(export.Name))
                {
                    if (!_instances.TryGetValue(instance, out var slot) || slot.Export.Name != export.Name)
                    {
                        if (slot is not null)
                        {
                            _lifecycle.Remove(slot);
                        }

                        slot = new FamilySlot(export, build.Info, clock, instance)
                        {
                            Log = new Logging.PluginLogGate(export.Name, instance, serilog, clock, config.Host.PluginLog),
                        };
                        _instances[instance] = slot;
                    }

                    slots.Add(slot);
                }
            }
        }

        foreach (var gone in _instances.Values.Except(slots).ToList())
        {
            _lifecycle.Remove(gone);
            _instances.Remove(gone.Name);
        }

        Slots = slots;
    }

    private static bool Declares(Plugins.PluginInfo build, AlphaFamilyAttribute export, Type capability)
    {
        try
        {
            return Plugins.PluginManifest.Declares(build.AssemblyPath, export.Name, capability);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
        {
            // Its files went away since it was read: it is not started for this command.
            return false;
        }
    }
}

/// <summary>How an offline command runs the lifecycle: every instance starts, enabled or not.</summary>
/// <param name="Capability">Keep slots only for the families whose class declares this interface (a command that needs one
/// capability starts no other family); null keeps every family.</param>
/// <param name="ConfigureBudget">The time a family is given to take changed settings (a command is not held to a cycle's budget).</param>
internal sealed record OfflineLifecycle(Type? Capability, TimeSpan ConfigureBudget);
