using System.Reflection;
using System.Security.Cryptography;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Plugins;

/// <summary>
/// Loads a plugin's main assembly where a family is about to run (a worker, or an in-process endpoint): in its own
/// collectible load context that shares only the contract and logging abstractions with the host.
/// </summary>
internal static class PluginAssembly
{
    private static readonly Type[] SharedTypes = [typeof(IAlphaFamily), typeof(ILogger), typeof(ILoggerFactory)];

    /// <summary>
    /// Loads a folder's main assembly into a new isolated, collectible context and checks its contract version.
    /// With <paramref name="trust"/>, the assembly's SHA-256 is checked against the allowlist before anything is loaded.
    /// </summary>
    public static (Assembly Assembly, PluginInfo Info) Open(string folder, PluginTrustOptions? trust, out PluginLoader loader)
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

    /// <summary>Why a plugin could not load, in one line.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        BadImageFormatException => $"not a valid .NET assembly ({ex.Message})",
        FileNotFoundException f => $"missing dependency {f.FileName ?? f.Message}",
        ReflectionTypeLoadException r => $"types could not be loaded: {r.LoaderExceptions.FirstOrDefault()?.Message ?? r.Message}",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

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
}
