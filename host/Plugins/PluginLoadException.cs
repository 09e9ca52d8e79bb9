namespace AlphaHost.Host.Plugins;

/// <summary>A plugin folder that could not be loaded; the message says why in one line.</summary>
internal sealed class PluginLoadException(string folder, string reason, Exception? inner = null)
    : Exception($"plugin {Path.GetFileName(folder)}: {reason}", inner)
{
    public string Folder { get; } = folder;

    public string Reason { get; } = reason;
}
