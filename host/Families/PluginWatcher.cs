using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Plugins;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Families;

/// <summary>
/// The plugin folders as the lifecycle sees them: stamps each folder's files, reads a new or replaced build's exports
/// from its metadata (no plugin code runs), checks it against the trust pins, and says what changed. A replaced folder
/// is read once its files have been stable for one look; a build that fails keeps the last good one in force and is
/// tried again only when its files change; a trust change re-reads every folder.
/// </summary>
internal sealed class PluginWatcher(TimeProvider clock, ILogger logger)
{
    /// <summary>
    /// How often the folders are stamped: stamping reads every file's size and time, too much for every pass of a loop
    /// that may run without pause; a replaced folder is picked up within two looks.
    /// </summary>
    private static readonly TimeSpan LookInterval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, PluginState> _plugins = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _seenStamps = new(StringComparer.Ordinal);
    private readonly HashSet<string> _missingReported = new(StringComparer.Ordinal);
    private string? _trustFingerprint;
    private string? _lookedAt;
    private DateTimeOffset _lastLook = DateTimeOffset.MinValue;

    /// <summary>The builds in force (one per folder that ever loaded and was not revoked), in folder order.</summary>
    public IReadOnlyList<PluginBuild> Builds => [.. _plugins.Values.Where(p => p.Info is not null).Select(p => new PluginBuild(p.Info!, p.Exports))];

    /// <summary>The families the builds in force export: what a config's <c>family:</c> may name.</summary>
    public IReadOnlyList<AlphaFamilyAttribute> Exports => [.. Builds.SelectMany(b => b.Exports)];

    /// <summary>Plugin folders whose newest files cannot load (or are not trusted), with the reason.</summary>
    public IReadOnlyDictionary<string, string> Failures => _plugins.Where(p => p.Value.Failure is not null).ToDictionary(p => p.Key, p => p.Value.Failure!);

    /// <summary>
    /// Looks at the folders (at most every <see cref="LookInterval"/>, at once when the folder or the trust settings
    /// changed) and returns the folders whose build in force changed since the last look.
    /// </summary>
    public IReadOnlyList<PluginChange> Look(string pluginsDir, PluginTrustOptions trust)
    {
        var trustChanged = trust.Fingerprint != _trustFingerprint && _trustFingerprint is not null;
        _trustFingerprint = trust.Fingerprint;
        var now = clock.GetUtcNow();
        if (!trustChanged && pluginsDir == _lookedAt && now - _lastLook < LookInterval)
        {
            return [];
        }

        _lastLook = now;
        _lookedAt = pluginsDir;
        var changes = new List<PluginChange>();
        var folders = Directory.Exists(pluginsDir) ? Directory.GetDirectories(pluginsDir).Order(StringComparer.Ordinal).ToArray() : [];
        foreach (var folder in folders)
        {
            var stamp = PluginFolder.Stamp(folder);
            var previous = _seenStamps.GetValueOrDefault(folder);
            _seenStamps[folder] = stamp;
            var known = _plugins.GetValueOrDefault(folder);
            if (known is not null && (stamp == known.Stamp && !trustChanged || stamp != previous))
            {
                // Unchanged, or still being copied: a replaced folder is read once its files have been stable for one look.
                continue;
            }

            if (known is { Info: { } loaded } && !File.Exists(loaded.AssemblyPath) && !HasMainAssembly(folder))
            {
                // Left as it is: looked at again every time, so files put back (or a new build) are picked up.
                ReportDeleted(folder);
                continue;
            }

            if (Read(folder, stamp, known, trust) is { } change)
            {
                changes.Add(change);
            }
        }

        foreach (var (folder, plugin) in _plugins)
        {
            if (plugin.Info is not null && !Directory.Exists(folder))
            {
                ReportDeleted(folder);
            }
        }

        return changes;
    }

    private PluginChange? Read(string folder, string stamp, PluginState? known, PluginTrustOptions trust)
    {
        var name = Path.GetFileName(folder);
        try
        {
            var build = PluginManifest.ReadBuild(folder, trust);
            var taken = _plugins.Where(p => p.Key != folder).SelectMany(p => p.Value.Exports).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            if (build.Exports.Select(e => e.Name).FirstOrDefault(taken.Contains) is { } duplicate)
            {
                throw new PluginLoadException(folder, $"family '{duplicate}' is already exported by another plugin");
            }

            _plugins[folder] = new PluginState(stamp, build.Info, build.Exports, null);
            _missingReported.Remove(folder);
            logger.LogInformation("Plugin {Plugin} {Action}: families {Families} from {Assembly} {Version} in load context {LoadContext}",
                name, known?.Info is null ? "loaded" : "reloaded", string.Join(",", build.Exports.Select(e => e.Name)), build.Info.AssemblyName, build.Info.Version,
                build.Info.LoadContext);
            return new PluginChange(folder, build);
        }
        catch (PluginLoadException ex)
        {
            if (known is { Info: { } loaded } && trust.Refusal(name, loaded.Sha256) is { } revoked)
            {
                logger.LogError("Plugin {Plugin} unloaded after a change of plugins trust settings: {Reason}", name, revoked);
                _plugins[folder] = new PluginState(stamp, null, [], revoked);
                return new PluginChange(folder, null);
            }

            if (known is { Info: not null })
            {
                logger.LogError("Plugin {Plugin} reload failed, the last good version keeps running: {Reason}", name, ex.Reason);
                _plugins[folder] = known with { Stamp = stamp, Failure = ex.Reason };
            }
            else
            {
                logger.LogError("Plugin {Plugin} skipped: {Reason}", name, ex.Reason);
                _plugins[folder] = new PluginState(stamp, null, [], ex.Reason);
            }

            return null;
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

    /// <param name="Stamp">The folder's files as last seen.</param>
    /// <param name="Info">The build its families run from; null while none ever loaded (or its trust was revoked).</param>
    /// <param name="Exports">The families that build exports.</param>
    /// <param name="Failure">Why the folder's newest files cannot load, or null.</param>
    private sealed record PluginState(string Stamp, PluginInfo? Info, IReadOnlyList<AlphaFamilyAttribute> Exports, string? Failure);
}

/// <summary>A folder whose build in force changed: its new build, or null when its trust was revoked (its families stop).</summary>
internal sealed record PluginChange(string Folder, PluginBuild? Build);
