using System.CommandLine;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Health;
using AlphaHost.Host.Logging;
using AlphaHost.Host.Market;
using AlphaHost.Host.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

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

        var clock = TimeProvider.System;
        var paths = RuntimePaths.From(config);
        RuntimeLock? runtimeLock = null;
        DaemonIdentity identity;
        try
        {
            // The lock comes first: a second daemon on this folder must not write a byte into it (logs included).
            runtimeLock = RuntimeLock.TryAcquire(paths, clock);
            if (runtimeLock is null)
            {
                Console.Error.WriteLine($"error: {DaemonLocator.DescribeHolder(paths)}; stop it first, or give this config another host.runtime_dir");
                return ExitCodes.BadInput;
            }

            identity = DaemonIdentity.Of(config, paths, clock);
            DaemonFile.Write(paths.DaemonFile, identity.Starting(config), durable: true);
            paths.Create();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            runtimeLock?.Dispose();
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }

        using (runtimeLock)
        using (DaemonRegistry.Register(identity))
        {
            var logHealth = new LogFileHealth();
            var logger = LoggingSetup.Create(paths.LogsDir, clock, Console.Out, logHealth);
            signals.LogTo(logger);
            try
            {
                if (await LoadMarketAsync(config, openMarket, signals).ConfigureAwait(false) is not { } feed)
                {
                    // Stopped by a signal or by market data that cannot be used: either way this run ends before its first cycle.
                    var now = clock.GetUtcNow();
                    DaemonFile.Write(paths.DaemonFile, identity.Starting(config) with { Status = Health.DaemonRunState.Stopped, UpdatedAt = now, StoppedAt = now }, durable: true);
                    if (signals.StopSignal is { } stop)
                    {
                        logger.ForContext<DaemonSignals>().Information("Stopped by {Signal} during start-up, before the first cycle; nothing to flush", stop);
                        return ExitCodes.Success;
                    }

                    return ExitCodes.BadInput;
                }

                if (from is { } start && ReplayStart.Problem(feed, start, config.Market.WarmupDays) is { } problem)
                {
                    Console.Error.WriteLine($"error: {problem}");
                    return ExitCodes.BadInput;
                }

                using var host = Build(config, paths, feed, new RunSettings(maxCycles, from), clock, logger, logHealth, identity, reloads);
                var exit = host.Services.GetRequiredService<DaemonExit>();
                if (config.Host.Http is { Enabled: true, Required: true }
                    && await host.Services.GetRequiredService<Http.HttpEndpointService>().ListenAsync().ConfigureAwait(false) is { } refused)
                {
                    Console.Error.WriteLine($"error: HTTP endpoint not started ({refused}) and host.http.required is true");
                    return ExitCodes.BadInput;
                }

                await host.StartAsync().ConfigureAwait(false);

                // A stop that came after the market loaded but before the host's own lifetime listened is not lost.
                using (signals.Stopping.Register(host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication))
                {
                    await host.WaitForShutdownAsync().ConfigureAwait(false);
                }

                return exit.Code is not 0 and var faulted ? faulted : Environment.ExitCode;
            }
            finally
            {
                await logger.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The market feed, or null when it cannot be read (the reason is on stderr) or a stop came first.</summary>
    private static async Task<IMarketFeed?> LoadMarketAsync(AlphaHostConfig config, Func<AlphaHostConfig, IMarketFeed> openMarket, DaemonSignals signals)
    {
        var loading = Task.Run(() => openMarket(config));
        try
        {
            // Reading the folder cannot be cancelled; a stop leaves it behind (its thread ends with the process).
            await loading.WaitAsync(signals.Stopping).ConfigureAwait(false);
            return loading.Result;
        }
        catch (OperationCanceledException) when (signals.Stopping.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return null;
        }
    }

    internal static IHost Build(AlphaHostConfig config, RuntimePaths paths, IMarketFeed feed, RunSettings run, TimeProvider clock, Serilog.ILogger logger,
        LogFileHealth logHealth, DaemonIdentity identity, ConfigReloadRequests reloads)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "alphahost" });
        builder.Services.AddSystemd();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = config.Host.ShutdownTimeout);
        builder.Services.AddSerilog(logger, dispose: false);
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton(logHealth);
        builder.Services.AddSingleton(paths);
        builder.Services.AddSingleton(run);
        builder.Services.AddSingleton(feed);
        builder.Services.AddSingleton(s => new ConfigStore(config, s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ConfigStore>>(), paths));
        // The history lives in the market image the workers map, and nowhere else (docs/performance.md, "Cost of process isolation").
        builder.Services.AddSingleton(s => new Workers.MarketImage(paths.MarketDir, s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Workers.MarketImage>>()));
        builder.Services.AddSingleton(s => new MarketState(feed.Universe, feed.Benchmark, config.Market.MaxHistoryDays, s.GetRequiredService<Workers.MarketImage>()));
        builder.Services.AddSingleton<Serilog.ILogger>(logger);
        builder.Services.AddSingleton<Families.FamilySupervisor>();
        builder.Services.AddSingleton<FamilyRunner>();
        builder.Services.AddSingleton<HostStatus>();
        builder.Services.AddSingleton(s => new Scoring.LiveScorer(paths.StateDir, clock, s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Scoring.LiveScorer>>()));
        builder.Services.AddSingleton(_ => new ShadowJournal(paths.SignalsDir, clock));
        builder.Services.AddSingleton<DaemonExit>();
        builder.Services.AddSingleton<Http.SignalFeed>();
        builder.Services.AddSingleton<Observability.AlphaHostMetrics>();
        builder.Services.AddSingleton(s => new Alerts.AlertDispatcher(
            s.GetRequiredService<ConfigStore>(), clock, s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Alerts.AlertDispatcher>>()));
        builder.Services.AddSingleton(s =>
        {
            var store = s.GetRequiredService<ConfigStore>();
            return new SignalWriter(paths.SignalsDir, clock, s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SignalWriter>>(), () => store.Current.Host.SignalJournal);
        });

        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(reloads);

        // Hosted services stop in reverse order: the cycle loop stops first, then the state-change watcher (no record follows
        // the final heartbeat), then the heartbeat writes its final line, then the HTTP endpoint closes, then daemon.json says stopped.
        builder.Services.AddHostedService<DaemonFileService>();
        builder.Services.AddSingleton<Http.HttpEndpointService>();
        builder.Services.AddHostedService(s => s.GetRequiredService<Http.HttpEndpointService>());
        builder.Services.AddHostedService(s => s.GetRequiredService<Alerts.AlertDispatcher>());
        builder.Services.AddHostedService<Alerts.AlertWatcher>();
        builder.Services.AddHostedService<HeartbeatService>();
        builder.Services.AddHostedService<StateChangeWatcher>();
        builder.Services.AddHostedService<CycleService>();
        return builder.Build();
    }
}
