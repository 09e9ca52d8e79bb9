using System.Reflection;
using System.Security.Cryptography;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Internal;
using AlphaHost.Host.Logging;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Plugins;

/// <summary>
/// Discovers plugin folders, loads each in its own collectible load context (only the contract and logging
/// abstractions are shared with the host), finds its families by assembly scanning, and hot-swaps a folder whose
/// files were replaced. A folder that fails to load is logged with the reason and skipped; a failed reload keeps
/// the last good version running.
/// </summary>
internal sealed class PluginCatalog(ILoggerFactory loggerFactory, TimeProvider clock, ILogger<PluginCatalog> logger) : IAsyncDisposable
{
    private static readonly Type[] SharedTypes = [typeof(IAlphaFamily), typeof(ILogger), typeof(ILoggerFactory)];

    private readonly Dictionary<string, LoadedPlugin> _loaded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _failed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refusedStamps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _seenStamps = new(StringComparer.Ordinal);
    private readonly HashSet<string> _missingReported = new(StringComparer.Ordinal);
    private string? _trustFingerprint;

    public IReadOnlyList<FamilyHandle> Families { get; private set; } = [];

    /// <summary>
    /// Only families whose class implements this interface are constructed and initialized (an offline command that
    /// needs one capability does not start the others); null loads every family.
    /// </summary>
    public Type? Capability { get; init; }

    /// <summary>Plugin folders that failed to load, with the reason.</summary>
    public IReadOnlyDictionary<string, string> Failures => _failed;

    /// <summary>
    /// Loads new plugin folders and reloads replaced ones. A replaced folder is reloaded once its files have been
    /// stable for one scan, so a copy in progress is not loaded half-way.
    /// </summary>
    public async Task RefreshAsync(string pluginsDir, string stateRoot, AlphaHostConfig config, CancellationToken cancellationToken)
    {
        await ApplyTrustChangeAsync(config.Plugins).ConfigureAwait(false);
        var folders = Directory.Exists(pluginsDir) ? Directory.GetDirectories(pluginsDir).Order(StringComparer.Ordinal).ToArray() : [];
        foreach (var folder in folders)
        {
            var stamp = PluginFolder.Stamp(folder);
            var previous = _seenStamps.GetValueOrDefault(folder);
            _seenStamps[folder] = stamp;
            var loaded = _loaded.GetValueOrDefault(folder);
            var refused = _refusedStamps.GetValueOrDefault(folder);
            var known = loaded is not null || refused is not null;
            if (stamp == loaded?.Stamp || stamp == refused || (known && stamp != previous))
            {
                // Unchanged, already refused in this exact state (tried again only when the files change), or still being copied.
                continue;
            }

            await LoadAsync(folder, stamp, loaded, stateRoot, config, cancellationToken).ConfigureAwait(false);
        }

        foreach (var gone in _loaded.Keys.Where(f => !Directory.Exists(f) || !File.Exists(_loaded[f].Info.AssemblyPath)).ToList())
        {
            if (_missingReported.Add(gone))
            {
                logger.LogError("Plugin {Plugin}: files were deleted; the loaded version keeps running until the folder is restored or the host restarts", Path.GetFileName(gone));
            }
        }

        Families = _loaded.Values.SelectMany(p => p.Families).ToArray();
    }

    /// <summary>
    /// When the <c>plugins:</c> trust settings change, plugins that are no longer trusted are unloaded and refused
    /// folders are tried again with the new settings.
    /// </summary>
    private async Task ApplyTrustChangeAsync(PluginTrustOptions trust)
    {
        var first = _trustFingerprint is null;
        if (trust.Fingerprint == _trustFingerprint)
        {
            return;
        }

        _trustFingerprint = trust.Fingerprint;
        if (first)
        {
            return;
        }

        _refusedStamps.Clear();

        foreach (var (folder, plugin) in _loaded.ToList())
        {
            if (trust.Refusal(Path.GetFileName(folder), plugin.Info.Sha256) is not { } refusal)
            {
                continue;
            }

            _loaded.Remove(folder);
            _failed[folder] = refusal;
            _refusedStamps[folder] = plugin.Stamp;
            logger.LogError("Plugin {Plugin} unloaded after a change of plugins trust settings: {Reason}", Path.GetFileName(folder), refusal);
            await plugin.DisposeAsync(logger).ConfigureAwait(false);
        }

        Families = _loaded.Values.SelectMany(p => p.Families).ToArray();
    }

    /// <summary>Hands changed family sections to their families. Returns the first refusal (and undoes the others), or null.</summary>
    public string? ApplyConfig(AlphaHostConfig candidate)
    {
        var applied = new List<(FamilyHandle Handle, FamilyConfig Previous)>();
        foreach (var handle in Families)
        {
            var section = candidate.Family(handle.Name);
            if (section.SameValuesAs(handle.AppliedConfig))
            {
                continue;
            }

            try
            {
                handle.Family.Configure(Settings(handle.Name, section, candidate.ConfigDirectory));
                applied.Add((handle, handle.AppliedConfig));
                handle.AppliedConfig = section;
            }
            catch (Exception ex)
            {
                foreach (var (done, previous) in applied)
                {
                    TryConfigure(done, previous, candidate.ConfigDirectory);
                }

                return ex is FamilySettingsException ? ex.Message : $"families.{handle.Name}: the family refused its settings: {ex.Message}";
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var plugin in _loaded.Values)
        {
            await plugin.DisposeAsync(logger).ConfigureAwait(false);
        }

        _loaded.Clear();
        Families = [];
    }

    /// <summary>Looks at every plugin folder without starting any family: what it exports, or why it cannot load.</summary>
    public static IReadOnlyList<PluginInspection> Inspect(string pluginsDir)
    {
        var result = new List<PluginInspection>();
        var folders = Directory.Exists(pluginsDir) ? Directory.GetDirectories(pluginsDir).Order(StringComparer.Ordinal).ToArray() : [];
        foreach (var folder in folders)
        {
            PluginLoader? loader = null;
            try
            {
                var (assembly, info) = Open(folder, null, out loader);
                var exports = assembly.GetTypes()
                    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IAlphaFamily).IsAssignableFrom(t))
                    .Select(t => t.GetCustomAttribute<AlphaFamilyAttribute>())
                    .OfType<AlphaFamilyAttribute>()
                    .ToArray();
                result.Add(exports.Length == 0
                    ? new PluginInspection(folder, info, [], $"{Path.GetFileName(info.AssemblyPath)} exports no family")
                    : new PluginInspection(folder, info, exports, null));
            }
            catch (Exception ex)
            {
                result.Add(new PluginInspection(folder, null, [], ex is PluginLoadException p ? p.Reason : Describe(ex)));
            }
            finally
            {
                loader?.Dispose();
            }
        }

        return result;
    }

    private async Task LoadAsync(string folder, string stamp, LoadedPlugin? old, string stateRoot, AlphaHostConfig config, CancellationToken cancellationToken)
    {
        var otherNames = _loaded.Where(p => p.Key != folder).SelectMany(p => p.Value.Families).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        try
        {
            var plugin = await LoadFolderAsync(folder, stamp, stateRoot, config, otherNames, cancellationToken).ConfigureAwait(false);
            _loaded[folder] = plugin;
            _failed.Remove(folder);
            _refusedStamps.Remove(folder);
            _missingReported.Remove(folder);
            logger.LogInformation("Plugin {Plugin} {Action}: families {Families} from {Assembly} {Version} in load context {LoadContext}",
                Path.GetFileName(folder), old is null ? "loaded" : "reloaded", string.Join(",", plugin.Families.Select(f => f.Name)),
                plugin.Info.AssemblyName, plugin.Info.Version, plugin.Info.LoadContext);
            if (old is not null)
            {
                await old.DisposeAsync(logger).ConfigureAwait(false);
            }
        }
        catch (PluginLoadException ex)
        {
            _failed[folder] = ex.Reason;
            _refusedStamps[folder] = stamp;
            if (old is null)
            {
                logger.LogError("Plugin {Plugin} skipped: {Reason}", Path.GetFileName(folder), ex.Reason);
            }
            else
            {
                logger.LogError("Plugin {Plugin} reload failed, the last good version keeps running: {Reason}", Path.GetFileName(folder), ex.Reason);
            }
        }
    }

    private async Task<LoadedPlugin> LoadFolderAsync(string folder, string stamp, string stateRoot, AlphaHostConfig config,
        HashSet<string> takenNames, CancellationToken cancellationToken)
    {
        PluginLoader? loader = null;
        var families = new List<FamilyHandle>();
        try
        {
            var (assembly, info) = Open(folder, config.Plugins, out loader);

            foreach (var (export, first) in DiscoverFamilies(folder, assembly))
            {
                if (!takenNames.Add(export.Name))
                {
                    throw new PluginLoadException(folder, $"family '{export.Name}' is already exported by another plugin");
                }

                foreach (var instance in config.InstancesOf(export.Name))
                {
                    // The family's own instance is the object found by the scan; each further instance is a new one.
                    var family = instance == export.Name ? first : Activate(folder, assembly, export.Name, instance);
                    var section = config.Family(instance);
                    var context = new FamilyContext(export.Name, Settings(instance, section, config.ConfigDirectory), FamilyLogger(instance), clock,
                        folder, Path.Combine(stateRoot, instance));
                    Directory.CreateDirectory(context.StateDirectory);
                    try
                    {
                        await TimeBudget.RunAsync(ct => family.InitializeAsync(context, ct).AsTask(), config.Host.InitTimeout, clock, cancellationToken)
                            .ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        throw new PluginLoadException(folder, $"family '{instance}' failed to initialize: {ex.GetType().Name}: {ex.Message}", ex);
                    }

                    WarnUnreadKeys(instance, section, context.Settings);
                    families.Add(new FamilyHandle(instance, export, family, info, section));
                }
            }

            return families.Count == 0 && Capability is null
                ? throw new PluginLoadException(folder, $"{Path.GetFileName(info.AssemblyPath)} exports no family (no class implementing IAlphaFamily with [AlphaFamily])")
                : new LoadedPlugin(info, loader, families, stamp);
        }
        catch (Exception ex)
        {
            foreach (var handle in families)
            {
                await LoadedPlugin.DisposeFamilyAsync(handle, logger).ConfigureAwait(false);
            }

            loader?.Dispose();
            throw ex is PluginLoadException ? ex : new PluginLoadException(folder, Describe(ex), ex);
        }
    }

    /// <summary>
    /// Loads a folder's main assembly into a new isolated, collectible context and checks its contract version.
    /// With <paramref name="trust"/>, the assembly's SHA-256 is checked against the allowlist before anything is loaded.
    /// </summary>
    internal static (Assembly Assembly, PluginInfo Info) Open(string folder, PluginTrustOptions? trust, out PluginLoader loader)
    {
        var path = PluginFolder.MainAssembly(folder);
        var sha256 = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();
        if (trust?.Refusal(Path.GetFileName(folder), sha256) is { } refusal)
        {
            loader = null!;
            throw new PluginLoadException(folder, refusal);
        }

        loader = PluginLoader.CreateFromAssemblyFile(path, isUnloadable: true, SharedTypes, c => c.LoadInMemory = true);
        var assembly = loader.LoadDefaultAssembly();
        CheckContractVersion(folder, assembly);
        var info = new PluginInfo(folder, path, assembly.GetName().Name ?? Path.GetFileName(path), PluginManifest.VersionOf(path),
            $"{Path.GetFileName(folder)}#{Guid.NewGuid().ToString("N")[..8]}", sha256);
        return (assembly, info);
    }

    private static void CheckContractVersion(string folder, Assembly assembly)
    {
        var contract = typeof(IAlphaFamily).Assembly.GetName();
        var reference = assembly.GetReferencedAssemblies().FirstOrDefault(a => a.Name == contract.Name)
            ?? throw new PluginLoadException(folder, $"{assembly.GetName().Name} does not reference {contract.Name}; it is not an alpha family plugin");
        if (reference.Version?.Major != contract.Version?.Major)
        {
            throw new PluginLoadException(folder,
                $"built for plugin contract v{reference.Version?.Major}, this host speaks v{contract.Version?.Major}; rebuild the plugin against this AlphaHost");
        }
    }

    private IEnumerable<(AlphaFamilyAttribute Export, IAlphaFamily Family)> DiscoverFamilies(string folder, Assembly assembly) =>
        FamilyActivator.Activate(folder, assembly, loggerFactory, clock, only: null, Capability);

    private IAlphaFamily Activate(string folder, Assembly assembly, string family, string instance) =>
        FamilyActivator.Activate(folder, assembly, loggerFactory, clock, family, Capability, instance)[0].Family;

    private ILogger FamilyLogger(string family) => loggerFactory.CreateLogger($"{LoggingCategories.FamilyPrefix}{family}");

    private void WarnUnreadKeys(string family, FamilyConfig section, FamilySettings settings)
    {
        foreach (var key in settings.UnreadKeys)
        {
            logger.LogWarning("Configuration: line {Line}: unknown key 'families.{Family}.{Key}' is ignored by the family",
                section.Lines.GetValueOrDefault(key), family, key);
        }
    }

    private void TryConfigure(FamilyHandle handle, FamilyConfig section, string configDirectory)
    {
        try
        {
            handle.Family.Configure(Settings(handle.Name, section, configDirectory));
            handle.AppliedConfig = section;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Family {Family} refused its previous settings while a rejected change was undone", handle.Name);
        }
    }

    /// <param name="family">The family's name.</param>
    /// <param name="section">Its section.</param>
    /// <param name="configDirectory">The config file's folder: a family's relative path settings are taken from it.</param>
    private static FamilySettings Settings(string family, FamilyConfig section, string configDirectory) => new($"families.{family}", section.Values, configDirectory);

    internal static string Describe(Exception ex) => ex switch
    {
        BadImageFormatException => $"not a valid .NET assembly ({ex.Message})",
        FileNotFoundException f => $"missing dependency {f.FileName ?? f.Message}",
        ReflectionTypeLoadException r => $"types could not be loaded: {r.LoaderExceptions.FirstOrDefault()?.Message ?? r.Message}",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
