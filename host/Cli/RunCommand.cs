using System.CommandLine;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Market;

namespace AlphaHost.Host.Cli;

/// <summary><c>alphahost run</c>: the daemon.</summary>
internal static class RunCommand
{
    /// <param name="openMarket">Reads the market the config names, once at start-up (null: <see cref="MarketFeedFactory"/>);
    /// a process test gives one that is still reading when its signal comes.</param>
    public static Command Create(Func<AlphaHostConfig, IMarketFeed>? openMarket = null)
    {
        openMarket ??= config => MarketFeedFactory.Create(config.Market, config.ConfigDirectory);
        var config = CommonOptions.Config();
        var cycles = CommonOptions.Whole<long>("--cycles", "Stop after N cycles and exit 0 (default: run until SIGTERM/SIGINT)");
        var from = CommonOptions.Date("--from", "Start the replay at this date: the days before it are history, the first cycle processes the first trading day on or after it");
        var command = new Command("run", "Run the daemon: load plugins, run cycles, write signals, heartbeat and logs") { config, cycles, from };
        command.SetAction((result, _) => RunAsync(result.GetValue(config), result.GetValue(cycles), result.GetValue(from), openMarket));
        return command;
    }

    private static async Task<int> RunAsync(string? configPath, long? maxCycles, string? fromText, Func<AlphaHostConfig, IMarketFeed> openMarket)
    {
        // First of all: a stop asked for while the daemon starts (a large bar folder loads for seconds) is logged and
        // ends it with 0, and SIGHUP or a stray SIGUSR1 never kills it.
        using var reloads = new ConfigReloadRequests();
        using var signals = new DaemonSignals(reloads);
        if (maxCycles is <= 0)
        {
            Console.Error.WriteLine("error: --cycles must be a positive number");
            return ExitCodes.BadInput;
        }

        DateOnly? from;
        try
        {
            from = CommonOptions.ParseDate("--from", fromText);
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }

        if (CommonOptions.LoadConfig(configPath) is not { } config)
        {
            return ExitCodes.BadInput;
        }

        return await DaemonHost.RunAsync(config, new RunSettings(maxCycles, from), openMarket, reloads, signals).ConfigureAwait(false);
    }
}
