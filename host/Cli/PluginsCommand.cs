using System.CommandLine;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Plugins;

namespace AlphaHost.Host.Cli;

/// <summary><c>alphahost plugins list</c>: what is in the plugins folder and whether config enables it.</summary>
internal static class PluginsCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var pins = new Option<bool>("--pins") { Description = "Print a plugins: section that pins every loadable plugin's current build, for golden_config.yaml" };
        var list = new Command("list", "List discovered families: assembly, version, load context, enabled flag, trust") { config, pins };
        list.SetAction(result => result.GetValue(pins) ? Pins(result.GetValue(config)) : List(result.GetValue(config)));
        return new Command("plugins", "Inspect plugins") { list };
    }

    private static int List(string? configPath)
    {
        if (CommonOptions.LoadConfig(configPath) is not { } config)
        {
            return ExitCodes.BadInput;
        }

        var paths = RuntimePaths.From(config.Host);
        var inspections = PluginCatalog.Inspect(paths.PluginsDir);
        Console.WriteLine($"plugins folder: {paths.PluginsDir}");
        Console.WriteLine($"plugins.require_trusted: {(config.Plugins.RequireTrusted ? "true" : "false")}");
        Console.WriteLine($"{"FAMILY",-16} {"ENABLED",-8} {"FOLDER",-14} {"ASSEMBLY",-34} {"VERSION",-9} {"LOAD CONTEXT",-14} {"TRUST",-9} SHA256");
        foreach (var inspection in inspections)
        {
            foreach (var export in inspection.Exports)
            {
                var info = inspection.Info!;
                var enabled = config.IsEnabled(export) ? "yes" : "no";
                Console.WriteLine($"{export.Name,-16} {enabled,-8} {Path.GetFileName(inspection.Folder),-14} {info.AssemblyName,-34} {info.Version,-9} {"isolated:" + info.LoadContext,-14} {Trust(config, info),-9} {info.Sha256}");
            }

            if (inspection.Info is { } loaded && config.Plugins.Refusal(Path.GetFileName(inspection.Folder), loaded.Sha256) is { } refusal)
            {
                Console.WriteLine($"{"-",-16} {"-",-8} {Path.GetFileName(inspection.Folder),-14} REFUSED: {refusal}");
            }

            if (inspection.Error is { } error)
            {
                Console.WriteLine($"{"-",-16} {"-",-8} {Path.GetFileName(inspection.Folder),-14} NOT LOADABLE: {error}");
            }
        }

        if (inspections.Count == 0)
        {
            Console.WriteLine("(no plugin folders)");
        }

        return ExitCodes.Success;
    }

    private static string Trust(AlphaHostConfig config, PluginInfo info)
    {
        var folder = Path.GetFileName(info.Folder);
        return config.Plugins.Refusal(folder, info.Sha256) is not null ? "REFUSED"
            : config.Plugins.Trusted.ContainsKey(folder) ? "pinned" : "unpinned";
    }

    private static int Pins(string? configPath)
    {
        if (CommonOptions.LoadConfig(configPath) is not { } config)
        {
            return ExitCodes.BadInput;
        }

        var paths = RuntimePaths.From(config.Host);
        Console.WriteLine("plugins:");
        Console.WriteLine("  require_trusted: true");
        Console.WriteLine("  trusted:");
        foreach (var inspection in PluginCatalog.Inspect(paths.PluginsDir).Where(i => i.Info is not null && i.Error is null))
        {
            Console.WriteLine($"    {Path.GetFileName(inspection.Folder)}: {inspection.Info!.Sha256}  # {inspection.Info.AssemblyName} {inspection.Info.Version}");
        }

        return ExitCodes.Success;
    }
}
