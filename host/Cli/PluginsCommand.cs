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
        var pins = new Option<bool>("--pins") { Description = "Print a plugins: section that pins every loadable plugin's current build, for golden_config.yaml (a build the current config refuses is marked REFUSED)" };
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

        var paths = RuntimePaths.From(config);
        var inspections = PluginManifest.Inspect(paths.PluginsDir);
        Console.WriteLine($"plugins folder: {paths.PluginsDir}");
        Console.WriteLine($"plugins.require_trusted: {(config.Plugins.RequireTrusted ? "true" : "false")}");
        var rows = new List<string[]> { new[] { "FAMILY", "ENABLED", "FOLDER", "ASSEMBLY", "VERSION", "LOAD CONTEXT", "TRUST", "SHA256" } };
        var notes = new List<(int AfterRow, string Folder, string Text)>();
        foreach (var inspection in inspections)
        {
            var folder = Path.GetFileName(inspection.Folder);
            foreach (var export in inspection.Exports)
            {
                var info = inspection.Info!;
                rows.Add([export.Name, config.IsEnabled(export) ? "yes" : "no", folder, info.AssemblyName, info.Version, "isolated:" + folder, Trust(config, info), info.Sha256]);
            }

            if (inspection.Info is { } loaded && config.Plugins.Refusal(folder, loaded.Sha256) is { } refusal)
            {
                notes.Add((rows.Count, folder, "REFUSED: " + refusal));
            }

            if (inspection.Error is { } error)
            {
                notes.Add((rows.Count, folder, "NOT LOADABLE: " + error));
            }
        }

        // Columns as wide as their widest cell, so the table reads (and `awk`s) the same whatever the names' lengths.
        var widths = Enumerable.Range(0, rows[0].Length - 1).Select(c => rows.Max(r => r[c].Length)).ToArray();
        for (var i = 0; i < rows.Count; i++)
        {
            Console.WriteLine(string.Join("  ", rows[i].Select((cell, c) => c < widths.Length ? cell.PadRight(widths[c]) : cell)));
            foreach (var note in notes.Where(n => n.AfterRow == i + 1))
            {
                Console.WriteLine($"{"-".PadRight(widths[0])}  {"-".PadRight(widths[1])}  {note.Folder.PadRight(widths[2])}  {note.Text}");
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

        var paths = RuntimePaths.From(config);
        Console.WriteLine("plugins:");
        Console.WriteLine("  require_trusted: true");
        Console.WriteLine("  trusted:");
        foreach (var inspection in PluginManifest.Inspect(paths.PluginsDir).Where(i => i.Info is not null && i.Error is null))
        {
            var folder = Path.GetFileName(inspection.Folder);
            var info = inspection.Info!;

            // Pasting these lines trusts the build now installed; one the current config refuses (a changed or tampered
            // assembly) says so, so that nobody pins it without looking.
            var note = config.Plugins.Refusal(folder, info.Sha256) is null ? ""
                : config.Plugins.Trusted.ContainsKey(folder) ? $"; REFUSED now: not the build pinned in plugins.trusted.{folder}, check it before pinning it"
                : "; REFUSED now: not pinned yet";
            Console.WriteLine($"    {folder}: {info.Sha256}  # {info.AssemblyName} {info.Version}{note}");
        }

        return ExitCodes.Success;
    }
}
