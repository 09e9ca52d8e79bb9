using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Dashboard;
using AlphaHost.Host.Internal;

namespace AlphaHost.Host.Cli;

/// <summary>
/// <c>alphahost dashboard --out DIR</c>: the dashboard's views as a static <c>index.html</c>, from the logs and
/// <c>latest.json</c> of the config's runtime folder, for a machine where the daemon does not run.
/// </summary>
internal static class DashboardCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var output = new Option<string>("--out") { Description = "The folder to write index.html into", Required = true };
        var command = new Command("dashboard", "Write the dashboard as static HTML from the runtime folder's logs") { config, output };
        command.SetAction(result => Run(result.GetValue(config), result.GetValue(output)!));
        return command;
    }

    private static int Run(string? configPath, string output)
    {
        if (CommonOptions.LoadConfig(configPath) is not { } config)
        {
            return ExitCodes.BadInput;
        }

        var paths = RuntimePaths.From(config);
        if (!Directory.Exists(paths.LogsDir))
        {
            Console.Error.WriteLine($"error: {paths.LogsDir}: no logs folder (host.runtime_dir of {config.SourcePath}); the daemon has not run with this config");
            return ExitCodes.BadInput;
        }

        var history = DashboardHistory.Read(paths.LogsDir);
        JsonNode? latest = null;
        try
        {
            latest = JsonNode.Parse(File.ReadAllText(Path.Combine(paths.SignalsDir, "latest.json")));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            // No cycle yet: the page says so.
        }

        var target = Path.GetFullPath(Path.Combine(output, "index.html"));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            AtomicFile.Write(target, Encoding.UTF8.GetBytes(DashboardPage.Static(history, latest)), durable: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {target}: {ex.Message}");
            return ExitCodes.BadInput;
        }

        Console.WriteLine($"{target}: {((JsonArray)history["points"]!).Count} heartbeats, {((JsonArray)history["events"]!).Count} events from {paths.LogsDir}");
        return ExitCodes.Success;
    }
}
