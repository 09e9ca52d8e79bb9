using System.Security.Cryptography;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Plugins;
using AlphaHost.Host.Workers;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Families;

/// <summary>
/// The daemon's families: finds them in the plugin folders (from assembly metadata, without running plugin code), makes
/// a slot for each configured instance of each (<c>families.&lt;instance&gt;.family</c>; a family's own name is its own
/// instance), starts each enabled one in its own worker process (or in process) in the background, stops disabled ones, restarts a
/// dead or quarantined one when its back-off is over, and hot-swaps a family whose plugin files were replaced once the
/// new one has initialized. Nothing here waits on a family: the cycle loop is never blocked by a start or a stop.
/// </summary>
internal sealed class FamilySupervisor(
    Serilog.ILogger serilog,
    TimeProvider clock,
    ILogger<FamilySupervisor> logger) : IAsyncDisposable
{
    private readonly Dictionary<string, PluginState> _plugins = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FamilySlot> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _seenStamps = new(StringComparer.Ordinal);
    private readonly HashSet<string> _missingReported = new(StringComparer.Ordinal);
    private readonly List<Task> _stopping = [];
    private readonly CancellationTokenSource _shutdown = new();
    private string? _trustFingerprint;
    private string _stateRoot = "";
    private string? _scannedDir;
    private DateTimeOffset _lastScan = DateTimeOffset.MinValue;

    /// <summary>
    /// How often the plugin folders are stamped: stamping reads every file's size and time, a cost that grows with what is
    /// installed and that a loop running without pause must not pay on every pass; a replaced folder is picked up within two scans.
    /// </summary>
    private static readonly TimeSpan ScanInterval = TimeSpan.FromSeconds(1);

    /// <summary>Every configured instance of every exported family, in plugin folder order, each family's own instance first.</summary>
    public IReadOnlyList<FamilySlot> Slots { get; private set; } = [];

    /// <summary>The families the plugin folders export (of the builds that loaded): what a config's <c>family:</c> may name.</summary>
    public IReadOnlyList<AlphaFamilyAttribute> Exports => [.. _plugins.Values.Where(p => p.Info is not null).SelectMany(p => p.Exports)];

    /// <summary>Plugin folders that cannot load, with the reason.</summary>
    public IReadOnlyDictionary<string, string> Failures => _plugins.Where(p => p.Value.Failure is not null).ToDictionary(p => p.Key, p => p.Value.Failure!);

    /// <summary>
    /// Looks at the plugin folders (new, replaced, trust changed; at most every <see cref="ScanInterval"/>), then starts,
    /// stops, swaps and restarts families as the config and their states say (every call).
    /// </summary>
    public void Refresh(string pluginsDir, string stateRoot, AlphaHostConfig config)
    {
        _stateRoot = stateRoot;
        var trustChanged = config.Plugins.Fingerprint != _trustFingerprint && _trustFingerprint is not null;
        _trustFingerprint = config.Plugins.Fingerprint;
        var now = clock.GetUtcNow();
        var scan = trustChanged || pluginsDir != _scannedDir || !(now - _lastScan < ScanInterval);
        if (scan)
        {
            _lastScan = now;
            _scannedDir = pluginsDir;
            ScanFolders(pluginsDir, trustChanged, config);
        }

        Arrange(config);
        foreach (var slot in Slots)
        {
            Supervise(slot, config);
        }
    }

    /// <summary>Discovers new, replaced and deleted plugin folders (one stamp of each folder's files per scan).</summary>
    private void ScanFolders(string pluginsDir, bool trustChanged, AlphaHostConfig config)
    {
        var folders = Directory.Exists(pluginsDir) ? Directory.GetDirectories(pluginsDir).Order(StringComparer.Ordinal).ToArray() : [];
        foreach (var folder in folders)
        {
            var stamp = PluginFolder.Stamp(folder);
            var previous = _seenStamps.GetValueOrDefault(folder);
            _seenStamps[folder] = stamp;
            var known = _plugins.GetValueOrDefault(folder);
            if (known is not null && (stamp == known.Stamp && !trustChanged || stamp != previous))
            {
                // Unchanged, or still being copied: a replaced folder is read once its files have been stable for one scan.
                continue;
            }

            if (known is { Info: { } loaded } && !File.Exists(loaded.AssemblyPath) && !HasMainAssembly(folder))
            {
                // Left as it is: checked again at every scan, so files put back (or a new build) are picked up.
                ReportDeleted(folder);
                continue;
            }

            Discover(folder, stamp, known, config);
        }

        foreach (var (folder, plugin) in _plugins)
        {
            if (plugin.Info is not null && !Directory.Exists(folder))
            {
                ReportDeleted(folder);
            }
        }
    }

    /// <summary>
    /// One slot per configured instance of each exported family (the config may have gained or lost instances since the
    /// last pass): a new instance gets a new slot, a removed one (or one now naming another family) is stopped.
    /// </summary>
    private void Arrange(AlphaHostConfig config)
    {
        var slots = new List<FamilySlot>();
        foreach (var plugin in _plugins.Values.Where(p => p.Info is not null))
        {
            foreach (var export in plugin.Exports)
            {
                foreach (var instance in config.InstancesOf(export.Name))
                {
                    if (!_instances.TryGetValue(instance, out var slot) || slot.Export.Name != export.Name)
                    {
                        if (slot is not null)
                        {
                            Remove(slot);
                        }

                        slot = new FamilySlot(export, plugin.Info!, clock, instance)
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
            Remove(gone);
            _instances.Remove(gone.Name);
        }

        Slots = slots;
    }

    /// <summary>Stops an instance the configuration (or its plugin) no longer has.</summary>
    private void Remove(FamilySlot slot)
    {
        if (slot.Endpoint is { } endpoint)
        {
            slot.Endpoint = null;
            Stop(slot.Name, endpoint, TimeSpan.FromSeconds(5));
            logger.LogInformation("Family {Family} is no longer configured (or exported); its {Where} was stopped", slot.Name, endpoint.Description);
        }

        if (slot.Starting is { } starting)
        {
            slot.Starting = null;
            _stopping.Add(StopWhenStartedAsync(starting));
        }
    }

    /// <summary>Waits (at most <paramref name="budget"/>) for the starts in progress: the daemon does this once, before its first cycle.</summary>
    public async Task WaitForStartsAsync(TimeSpan budget, AlphaHostConfig config)
    {
        var starting = Slots.Select(s => s.Starting).OfType<Task<IFamilyEndpoint>>().ToArray();
        try
        {
            await Task.WhenAll(starting).WaitAsync(budget, clock).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Failures are reported by Supervise; a start still running goes on in the background.
        }

        foreach (var slot in Slots)
        {
            Supervise(slot, config);
        }
    }

    /// <summary>Hands changed family sections to the running families; the first refusal is returned (and the others undone).</summary>
    public async Task<string?> ApplyConfigAsync(AlphaHostConfig candidate)
    {
        // An instance the candidate removes (or moves to another family) is stopped once it is in force, not reconfigured.
        var changed = Slots.Where(s => s.Endpoint is not null && candidate.InstancesOf(s.Export.Name).Contains(s.Name) && !candidate.Family(s.Name).SameValuesAs(s.AppliedConfig)).ToList();
        var results = await Task.WhenAll(changed.Select(s => s.Endpoint!.ConfigureAsync(Settings(s.Name, candidate.Family(s.Name), candidate), Budget(candidate, s)))).ConfigureAwait(false);
        var refusal = results.Select(r => r.Refusal).FirstOrDefault(r => r is not null);
        for (var i = 0; i < changed.Count; i++)
        {
            var slot = changed[i];
            if (refusal is null)
            {
                slot.AppliedConfig = candidate.Family(slot.Name);
            }
            else if (results[i].Refusal is null && !results[i].Restarted)
            {
                await slot.Endpoint!.ConfigureAsync(Settings(slot.Name, slot.AppliedConfig, candidate), Budget(candidate, slot)).ConfigureAwait(false);
            }

            if (results[i].Restarted)
            {
                logger.LogError("Family {Family} did not apply its new settings within its budget; its worker was stopped and starts again with them", slot.Name);
            }
        }

        return refusal;
    }

    /// <summary>
    /// Reads every running enabled family's health at once, each within its budget (a pass without a new trading day):
    /// what changed outside the cycle (a governance reset, a trip) shows without waiting for the next day.
    /// </summary>
    public async Task RefreshHealthAsync(AlphaHostConfig config)
    {
        var running = Slots.Where(s => s.Endpoint is not null && s.IsEnabled(config) && !s.Quarantine.IsActive).ToList();
        var healths = await Task.WhenAll(running.Select(s => s.Endpoint!.RefreshHealthAsync(Budget(config, s)))).ConfigureAwait(false);
        for (var i = 0; i < running.Count; i++)
        {
            running[i].LastHealth = healths[i];
        }
    }

    /// <summary>Records a failed cycle of <paramref name="slot"/>; a dead worker or a quarantine stops its endpoint so a new one can start later.</summary>
    public void Retire(FamilySlot slot, string reason)
    {
        if (slot.Endpoint is { } endpoint)
        {
            slot.Endpoint = null;
            slot.Restarts++;
            Stop(slot.Name, endpoint, TimeSpan.FromSeconds(2));
            logger.LogWarning("Family {Family}: {Where} stopped ({Reason}); it starts again when its back-off is over", slot.Name, endpoint.Description, reason);
        }
    }

    /// <summary>Stops every family (once; the cycle loop and the DI container both call it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_shutdown.IsCancellationRequested)
        {
            return;
        }

        // Starts still in progress are abandoned at once (their workers killed): a family whose constructor blocks must
        // not hold up the stop.
        await _shutdown.CancelAsync().ConfigureAwait(false);
        var stops = Slots.Select(s => s.Endpoint).OfType<IFamilyEndpoint>().Select(e => e.StopAsync(TimeSpan.FromSeconds(5)))
            .Concat(Slots.Select(s => s.Starting).OfType<Task<IFamilyEndpoint>>().Select(StopWhenStartedAsync))
            .Concat(_stopping)
            .ToArray();
        try
        {
            await Task.WhenAll(stops).WaitAsync(TimeSpan.FromSeconds(10), clock).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Families did not all stop cleanly: {Error}", ex.Message);
        }

        foreach (var endpoint in Slots.Select(s => s.Endpoint).OfType<IFamilyEndpoint>())
        {
            await endpoint.DisposeAsync().ConfigureAwait(false);
        }

        Slots = [];
    }

    private static async Task StopWhenStartedAsync(Task<IFamilyEndpoint> starting)
    {
        try
        {
            var endpoint = await starting.ConfigureAwait(false);
            await endpoint.StopAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            await endpoint.DisposeAsync().ConfigureAwait(false);
        }
        catch (FamilyStartException)
        {
            // It never started.
        }
    }

    private void Discover(string folder, string stamp, PluginState? known, AlphaHostConfig config)
    {
        var name = Path.GetFileName(folder);
        try
        {
            var assemblyPath = PluginFolder.MainAssembly(folder);
            var sha256 = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(assemblyPath))).ToLowerInvariant();
            if (config.Plugins.Refusal(name, sha256) is { } refusal)
            {
                throw new PluginLoadException(folder, refusal);
            }

            var exports = PluginManifest.Read(folder, assemblyPath);
            if (exports.Count == 0)
            {
                throw new PluginLoadException(folder, $"{Path.GetFileName(assemblyPath)} exports no family (no class implementing IAlphaFamily with [AlphaFamily])");
            }

            var taken = _plugins.Where(p => p.Key != folder).SelectMany(p => p.Value.Exports).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            if (exports.Select(e => e.Name).FirstOrDefault(taken.Contains) is { } duplicate)
            {
                throw new PluginLoadException(folder, $"family '{duplicate}' is already exported by another plugin");
            }

            var assembly = System.Reflection.AssemblyName.GetAssemblyName(assemblyPath);
            var info = new PluginInfo(folder, assemblyPath, assembly.Name ?? name, PluginManifest.VersionOf(assemblyPath), "per family (host.family_isolation)", sha256);
            // Every instance of a family the new build still exports switches to it (once it has started); the instances of a
            // family it no longer exports are stopped by Arrange.
            foreach (var slot in _instances.Values.Where(s => s.Plugin.Folder == folder && exports.Any(e => e.Name == s.Export.Name)))
            {
                if (slot.Endpoint is not null || slot.Starting is not null)
                {
                    slot.PendingPlugin = info;
                }
                else
                {
                    slot.Plugin = info;
                }
            }

            _plugins[folder] = new PluginState(stamp, info, exports, null);
            _missingReported.Remove(folder);
            logger.LogInformation("Plugin {Plugin} {Action}: families {Families} from {Assembly} {Version} in load context {LoadContext}",
                name, known?.Info is null ? "loaded" : "reloaded", string.Join(",", exports.Select(e => e.Name)), info.AssemblyName, info.Version, info.LoadContext);
        }
        catch (Exception ex) when (ex is PluginLoadException or IOException or UnauthorizedAccessException or BadImageFormatException)
        {
            var reason = ex is PluginLoadException p ? p.Reason : PluginCatalog.Describe(ex);
            if (known is { Info: { } loaded } && config.Plugins.Refusal(name, loaded.Sha256) is { } revoked)
            {
                foreach (var slot in _instances.Values.Where(s => s.Plugin.Folder == folder && s.Endpoint is not null))
                {
                    Stop(slot.Name, slot.Endpoint!, TimeSpan.FromSeconds(5));
                    slot.Endpoint = null;
                }

                logger.LogError("Plugin {Plugin} unloaded after a change of plugins trust settings: {Reason}", name, revoked);
                _plugins[folder] = new PluginState(stamp, null, [], revoked);
            }
            else if (known is { Info: not null })
            {
                logger.LogError("Plugin {Plugin} reload failed, the last good version keeps running: {Reason}", name, reason);
                _plugins[folder] = known with { Stamp = stamp, Failure = reason };
            }
            else
            {
                logger.LogError("Plugin {Plugin} skipped: {Reason}", name, reason);
                _plugins[folder] = new PluginState(stamp, null, [], reason);
            }
        }
    }

    private static bool HasMainAssembly(string folder)
    {
        try
        {
            PluginFolder.MainAssembly(folder);
            return true;
        }
        catch (PluginLoadException)
        {
            return false;
        }
    }

    private void ReportDeleted(string folder)
    {
        if (_missingReported.Add(folder))
        {
            logger.LogError("Plugin {Plugin}: files were deleted; the loaded version keeps running until the folder is restored or the host restarts", Path.GetFileName(folder));
        }
    }

    /// <summary>Moves one family towards what the config wants: started when enabled, stopped when disabled.</summary>
    private void Supervise(FamilySlot slot, AlphaHostConfig config)
    {
        if (slot.Starting is { IsCompleted: true } started)
        {
            slot.Starting = null;
            Finish(slot, started, config);
        }

        var enabled = slot.IsEnabled(config);
        if (!enabled)
        {
            if (slot.Endpoint is { } running)
            {
                slot.Endpoint = null;
                Stop(slot.Name, running, Budget(config, slot));
                logger.LogInformation("Family {Family} disabled by configuration; its {Where} was stopped", slot.Name, running.Description);
            }

            return;
        }

        var reload = slot.PendingPlugin is not null && slot.Starting is null;
        if (slot.Starting is null && (slot.Endpoint is null || reload) && !slot.Quarantine.IsActive)
        {
            slot.Starting = StartAsync(slot, slot.PendingPlugin ?? slot.Plugin, config);
        }
    }

    private void Finish(FamilySlot slot, Task<IFamilyEndpoint> started, AlphaHostConfig config)
    {
        var plugin = slot.PendingPlugin ?? slot.Plugin;
        if (started.IsCompletedSuccessfully)
        {
            var endpoint = started.Result;
            if (slot.Endpoint is { } old)
            {
                Stop(slot.Name, old, Budget(config, slot));
                logger.LogInformation("Family {Family} switched to its new plugin build ({Sha}) in {Where}", slot.Name, plugin.Sha256[..12], endpoint.Description);
            }
            else
            {
                logger.LogInformation("Family {Family} started in {Where} ({Isolation})", slot.Name, endpoint.Description, IsolationName(Isolation(config, slot)));
            }

            slot.Plugin = plugin;
            slot.PendingPlugin = null;
            slot.Endpoint = endpoint;
            slot.StartFailure = null;
            slot.LastHealth = endpoint.Health;
            slot.AppliedConfig = config.Family(slot.Name);
            foreach (var key in endpoint.UnreadKeys)
            {
                logger.LogWarning("Configuration: line {Line}: unknown key 'families.{Family}.{Key}' is ignored by the family",
                    slot.AppliedConfig.Lines.GetValueOrDefault(key), slot.Name, key);
            }

            return;
        }

        var reason = started.Exception?.InnerException?.Message ?? "cancelled";
        slot.StartFailure = reason;
        slot.HostErrors++;
        var backoff = slot.Quarantine.Failed(config.Host.QuarantineAfter, config.Host.QuarantineBackoff, config.Host.CrashLoopWindow, now: true);
        if (slot.Endpoint is not null)
        {
            slot.PendingPlugin = null;
            logger.LogError("Plugin {Plugin} reload failed, the last good version keeps running: family '{Family}' {Reason}", Path.GetFileName(plugin.Folder), slot.Name, reason);
        }
        else
        {
            slot.LastHealth = new FamilyHealth(FamilyState.Degraded, slot.LastHealth.ErrorCount, $"cannot start: {reason}");
            logger.LogError("Family {Family} of plugin {Plugin} could not start: {Reason}; next try in {Backoff}s", slot.Name, Path.GetFileName(plugin.Folder), reason,
                (long)(backoff ?? TimeSpan.Zero).TotalSeconds);
        }
    }

    private Task<IFamilyEndpoint> StartAsync(FamilySlot slot, PluginInfo plugin, AlphaHostConfig config)
    {
        var section = config.Family(slot.Name);
        var settings = Settings(slot.Name, section, config);
        var request = new FamilyStartRequest(plugin.Folder, slot.Export.Name, slot.Name, settings, section.Values, Path.Combine(_stateRoot, slot.Name), section.MaxMemoryMb,
            config.Host.WorkerOutput, slot.OutputDropped);
        var budget = config.Host.InitTimeout;
        return Isolation(config, slot) == FamilyIsolation.Process
            ? Task.Run(async () => (IFamilyEndpoint)await ProcessFamilyEndpoint.StartAsync(request, budget, serilog, slot.Log!, clock, _shutdown.Token).ConfigureAwait(false))
            : Task.Run(async () => (IFamilyEndpoint)await InProcessEndpoint.StartAsync(request, config.Plugins, new Logging.PluginLoggerFactory(slot.Log!), clock, budget, _shutdown.Token).ConfigureAwait(false));
    }

    private void Stop(string family, IFamilyEndpoint endpoint, TimeSpan budget)
    {
        _stopping.RemoveAll(t => t.IsCompleted);
        _stopping.Add(Task.Run(async () =>
        {
            try
            {
                await endpoint.StopAsync(budget).ConfigureAwait(false);
                await endpoint.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                logger.LogWarning("Family {Family} did not stop cleanly: {Error}", family, ex.Message);
            }
        }));
    }

    private static FamilyIsolation Isolation(AlphaHostConfig config, FamilySlot slot) => config.Family(slot.Name).Isolation ?? config.Host.FamilyIsolation;

    private static string IsolationName(FamilyIsolation isolation) => isolation == FamilyIsolation.Process ? "isolation: process" : "isolation: in_process";

    private static TimeSpan Budget(AlphaHostConfig config, FamilySlot slot) => config.Family(slot.Name).Timeout ?? config.Host.FamilyTimeout;

    /// <summary>A family's settings; its relative paths (e.g. <c>models_dir</c>) are taken from the config file's folder, as offline commands take them.</summary>
    private static FamilySettings Settings(string family, FamilyConfig section, AlphaHostConfig config) => new($"families.{family}", section.Values, config.ConfigDirectory);

    /// <param name="Stamp">The folder's files as last seen.</param>
    /// <param name="Info">The build its families run from; null while none ever loaded (or its trust was revoked).</param>
    /// <param name="Exports">The families that build exports.</param>
    /// <param name="Failure">Why the folder's newest files cannot load, or null.</param>
    private sealed record PluginState(string Stamp, PluginInfo? Info, IReadOnlyList<AlphaFamilyAttribute> Exports, string? Failure);
}
