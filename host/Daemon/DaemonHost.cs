using AlphaHost.Host.Cli;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Health;
using AlphaHost.Host.Logging;
using AlphaHost.Host.Market;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AlphaHost.Host.Daemon;

/// <summary>
/// One daemon run, from a parsed command line to its exit code: the runtime lock, <c>daemon.json</c>, the registry entry,
/// the logs, the market, then the host <see cref="DaemonComposition"/> builds, until it stops.
/// </summary>
internal static class DaemonHost
{
    /// <param name="config">The configuration, loaded and valid.</param>
    /// <param name="run">The run's settings from the command line.</param>
    /// <param name="openMarket">Reads the market the config names, once at start-up.</param>
    /// <param name="reloads">The re-read requests (SIGHUP), installed before anything else.</param>
    /// <param name="signals">The POSIX signal handlers, installed before anything else.</param>
    public static async Task<int> RunAsync(AlphaHostConfig config, RunSettings run, Func<AlphaHostConfig, IMarketFeed> openMarket,
        ConfigReloadRequests reloads, DaemonSignals signals)
    {
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

                if (run.From is { } start && ReplayStart.Problem(feed, start, config.Market.WarmupDays) is { } problem)
                {
                    Console.Error.WriteLine($"error: {problem}");
                    return ExitCodes.BadInput;
                }

                using var host = DaemonComposition.Build(config, paths, feed, run, clock, logger, logHealth, identity, reloads);
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

}
