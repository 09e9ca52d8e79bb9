using System.CommandLine;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Plugins;

namespace AlphaHost.Host.Cli;

/// <summary>
/// <c>alphahost config validate [--config F]</c>: reads the file with the daemon's own loader and prints what the daemon
/// would say about it at start: the error (file:line: key: problem) and exit 2, or each warning (unknown keys, sections and
/// flags no installed family uses, keys of a family's section the family does not declare) and exit 0. Plugins are
/// inspected, not started: a family's own keys are checked against the keys its export attribute declares
/// (<c>AlphaFamily(Settings = ...)</c>), read from the plugin assembly without initializing the family.
/// </summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var validate = new Command("validate", "Check a config file as the daemon would at start: errors with file:line:key (exit 2), warnings for unknown keys") { config };
        validate.SetAction((result, _) => CommonOptions.RunAsync(() => Task.FromResult(Validate(result.GetValue(config)))));
        return new Command("config", "Check configuration files") { validate };
    }

    private static int Validate(string? configPath)
    {
        var config = CommonOptions.LoadConfigOrThrow(configPath);

        // The families the daemon would load: inspected plugin folders that load and that the config's pins allow.
        var loadable = PluginManifest.ReadAll(RuntimePaths.From(config).PluginsDir, config.Plugins);
        var warnings = config.Warnings
            .Concat(ConfigCoverage.Warnings(config, loadable.Select(e => e.Name).ToHashSet(StringComparer.Ordinal),
                loadable.Select(e => e.FeatureFlag).OfType<string>().ToHashSet(StringComparer.Ordinal)))
            .Concat(ConfigCoverage.FamilyKeyWarnings(config, loadable))
            .ToList();
        foreach (var warning in warnings)
        {
            Console.Error.WriteLine($"warning: {warning}");
        }

        Console.WriteLine($"{config.SourcePath}: valid{(warnings.Count == 0 ? "" : $", {warnings.Count} warning(s)")}");
        return ExitCodes.Success;
    }
}
