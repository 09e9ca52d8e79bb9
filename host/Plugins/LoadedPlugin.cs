using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Plugins;

/// <summary>One loaded plugin folder: its load context and the families it exports.</summary>
internal sealed class LoadedPlugin(PluginInfo info, PluginLoader loader, IReadOnlyList<FamilyHandle> families, string stamp)
{
    private static readonly TimeSpan DisposeBudget = TimeSpan.FromSeconds(5);

    public PluginInfo Info { get; } = info;

    public IReadOnlyList<FamilyHandle> Families { get; } = families;

    public string Stamp { get; } = stamp;

    public async ValueTask DisposeAsync(ILogger logger)
    {
        foreach (var handle in Families)
        {
            await DisposeFamilyAsync(handle, logger).ConfigureAwait(false);
        }

        loader.Dispose();
    }

    public static async ValueTask DisposeFamilyAsync(FamilyHandle handle, ILogger logger)
    {
        try
        {
            await handle.Family.DisposeAsync().AsTask().WaitAsync(DisposeBudget).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Family {Family} did not dispose cleanly: {Error}", handle.Name, ex.Message);
        }
    }
}
