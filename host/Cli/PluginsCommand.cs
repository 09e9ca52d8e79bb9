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
        var list = new Command("list", "List discovered families: assembly, version, load context, enabled flag") { config };
        list.SetAction(result => List(result.GetValue(config)));
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
        Console.WriteLine($"{"FAMILY",-16} {"ENABLED",-8} {"FOLDER",-14} {"ASSEMBLY",-34} {"VERSION",-9} {"LOAD CONTEXT",-14} SHA256");
        foreach (var inspection in inspections)
        {
            foreach (var export in inspection.Exports)
            {
                var info = inspection.Info!;
                var enabled = config.IsEnabled(export) ? "yes" : "no";
                Console.WriteLine($"{export.Name,-16} {enabled,-8} {Path.GetFileName(inspection.Folder),-14} {info.AssemblyName,-34} {info.Version,-9} {"isolated:" + info.LoadContext,-14} {info.Sha256[..16]}");
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
}
