using System.Diagnostics;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Cycle;

/// <summary>Settings of one daemon run that do not come from the config file.</summary>
/// <param name="MaxCycles">Stop after this many passes of the loop, idle polls for data included (exit 0); null runs until SIGTERM/SIGINT.</param>
/// <param name="From">The first cycle's day is the first trading day on or after this date, the days before it are history; null: after <c>market.warmup_days</c>.</param>
internal sealed record RunSettings(long? MaxCycles, DateOnly? From = null);

/// <summary>
/// The daemon's loop: a <see cref="CyclePass"/>, then the pause the <see cref="CyclePacer"/> gives, until a stop is asked
/// for (the current pass finishes) or <see cref="RunSettings.MaxCycles"/> passes are done. Under systemd every completed
/// pass pings the watchdog, so a loop that stops completing passes is restarted. An exception escaping the loop is logged
/// as CRITICAL and the daemon exits with <see cref="DaemonExit.LoopFaulted"/>, never 0.
/// </summary>
internal sealed class CycleService(
    CyclePass pass,
    CyclePacer pacer,
    RunSettings run,
    DaemonExit exit,
    IHostApplicationLifetime lifetime,
    ILogger<CycleService> logger,
    ISystemdNotifier? systemd = null) : BackgroundService
{
    private static readonly ServiceState Watchdog = new("WATCHDOG=1");
    private long _passes;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await LoopAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && stoppingToken.IsCancellationRequested))
        {
            exit.Fault();
            logger.LogCritical(ex, "Cycle loop faulted in cycle {Cycle}: {Error}; stopping with exit code {ExitCode} so that the supervisor restarts the daemon",
                pass.Cycles, ex.Message, DaemonExit.LoopFaulted);
            lifetime.StopApplication();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await pass.DisposeAsync().ConfigureAwait(false);
        logger.LogInformation("Cycle loop stopped after {Cycles} cycles", pass.Cycles);
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        await pass.StartAsync().ConfigureAwait(false);
        PingWatchdog();
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            var held = pass.HoldsNextDay;
            var hadDay = await pass.RunAsync().ConfigureAwait(false);
            _passes++;
            PingWatchdog();
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (run.MaxCycles is { } max && _passes >= max)
            {
                logger.LogInformation("Completed {Passes} passes as asked ({Cycles} with a new trading day); stopping", _passes, pass.Cycles);
                lifetime.StopApplication();
                return;
            }

            try
            {
                var current = pass.Current;
                await pacer.PauseAsync(pacer.PauseAfter(hadDay, held, elapsed, current.Host.CycleInterval, current.Market.CatchUp), pass.ReloadAsync, stoppingToken)
                    .ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void PingWatchdog()
    {
        if (systemd is { IsEnabled: true })
        {
            systemd.Notify(Watchdog);
        }
    }
}
