namespace AlphaHost.Host.Plugins;

/// <summary>A plugin folder on disk: its main assembly and a stamp that changes when its files change.</summary>
internal static class PluginFolder
{
    /// <summary>The main assembly: <c>&lt;Folder&gt;.dll</c>, else the assembly of the folder's single <c>*.deps.json</c>.</summary>
    public static string MainAssembly(string folder)
    {
        var name = Path.GetFileName(folder);
        var conventional = Path.Combine(folder, name + ".dll");
        if (File.Exists(conventional))
        {
            return conventional;
        }

        var deps = Directory.GetFiles(folder, "*.deps.json");
        if (deps.Length == 1)
        {
            var main = Path.Combine(folder, Path.GetFileName(deps[0])[..^".deps.json".Length] + ".dll");
            if (File.Exists(main))
            {
                return main;
            }

            throw new PluginLoadException(folder, $"{Path.GetFileName(deps[0])} names {Path.GetFileName(main)}, which is missing");
        }

        throw new PluginLoadException(folder, deps.Length == 0
            ? $"no plugin assembly: expected {name}.dll or one *.deps.json naming the main assembly"
            : $"{deps.Length} *.deps.json files; cannot tell which assembly is the plugin");
    }

    /// <summary>Size and time of every assembly and manifest in the folder; equal stamps mean nothing was replaced.</summary>
    public static string Stamp(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return "";
        }

        var parts = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(f =>
            {
                var info = new FileInfo(f);
                return $"{f}:{info.Length}:{info.LastWriteTimeUtc.Ticks}";
            });
        return string.Join('|', parts);
    }
}
