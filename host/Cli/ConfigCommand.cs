using System.CommandLine;

namespace AlphaHost.Host.Cli;

/// <summary>
/// <c>alphahost config validate [--config F]</c>: reads the file with the daemon's own loader and prints what the daemon
/// would say about it at start: the error (file:line: key: problem) and exit 2, or each warning (unknown keys) and exit 0.
/// A family's own keys are checked by the family when it loads (the daemon logs those).
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
        foreach (var warning in config.Warnings)
        {
            Console.Error.WriteLine($"warning: {warning}");
        }

        Console.WriteLine($"{config.SourcePath}: valid{(config.Warnings.Count == 0 ? "" : $", {config.Warnings.Count} warning(s)")}");
        return ExitCodes.Success;
    }
}
