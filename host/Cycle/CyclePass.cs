using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Families;
using AlphaHost.Host.Health;
using AlphaHost.Host.Observability;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// One pass of the loop: pick up a saved config change (<see cref="ConfigReloader"/>), pick up new or replaced plugins,
/// take the next trading day, run the <see cref="CycleStep"/> on it and hand the result to the observers. A pass that
/// finds no new trading day is an idle poll: it does not count as a cycle, leaves the last cycle's family states in place
/// and moves the feed's <see cref="DataState"/>. A pass (or a SIGHUP re-read) that fails for want of a file descriptor
/// (any local client can open connections until the process has none left; a leak can do the same) is not a fault of the
/// loop: it is logged once, the heartbeat says DEGRADED <c>fd_exhausted</c>, and the next pass tries again.
/// </summary>
internal sealed class CyclePass(
    CycleStart start,
    ConfigReloader reloader,
    CycleMarket market,
    FamilySupervisor families,
    CycleStep step,
    IEnumerable<ICycleObserver> observers,
    HostStatus status,
    AlphaHostMetrics metrics,
    SignalWriter writer,
    RuntimePaths paths,
    ILogger<CycleService> logger) : IAsyncDisposable
{
    private readonly ICycleObserver[] _observers = observers.ToArray();

    /// <summary>Trading days processed since start.</summary>
    public long Cycles { get; private set; }

    /// <summary>The feed already holds the next day (history): the pacer does not pause after it under <c>market.catch_up: fast</c>.</summary>
    public bool HoldsNextDay => market.HoldsNextDay;

    /// <summary>The configuration in force.</summary>
    public AlphaHostConfig Current => reloader.Current;

    public Task StartAsync() => start.RunAsync(reloader.Current);

    /// <summary>One pass; true when it processed a trading day, false for an idle poll (or one cut short for want of a descriptor).</summary>
    public async Task<bool> RunAsync()
    {
        var held = market.HoldsNextDay;
        var hadDay = await WithDescriptorsAsync(RunCycleAsync, whenExhausted: false).ConfigureAwait(false);
        var current = reloader.Current;
        if (hadDay && held && !market.HoldsNextDay && current.Market.CatchUp == CatchUpMode.Fast)
        {
            logger.LogInformation("Fast catch-up done: replayed the feed's history up to {Date} ({Cycles} cycles); host.cycle_interval {Interval} from now on",
                market.CurrentDate, Cycles, DurationText.Format(current.Host.CycleInterval));
        }

        return hadDay;
    }

    /// <summary>A re-read asked for between passes (SIGHUP).</summary>
    public Task ReloadAsync() => WithDescriptorsAsync(async () =>
    {
        await reloader.OnRequestAsync().ConfigureAwait(false);
        return true;
    }, whenExhausted: false);

    /// <summary>Flushes the signals and stops the families.</summary>
    public async ValueTask DisposeAsync()
    {
        writer.Dispose();
        await families.DisposeAsync().ConfigureAwait(false);
        market.Dispose();
    }

    private async Task<bool> RunCycleAsync()
    {
        var check = await reloader.CheckAsync().ConfigureAwait(false);
        var current = check.InForce;
        families.Refresh(paths.PluginsDir, paths.StateDir, current);
        if (market.TryNextDay(Cycles + 1, current) is not { } day)
        {
            await families.RefreshHealthAsync(current).ConfigureAwait(false);
            var waiting = FamilyStatuses.Waiting(families.Slots, status.Families, current);
            market.NoNewDay(current, (data, date) =>
            {
                status.Idle(data, date, check.RejectedError, waiting);
                metrics.Families(waiting, cycled: false);
            });
            return false;
        }

        Cycles++;
        var result = await step.RunAsync(day.Input, day.Report, current, check.RejectedError, day.StartedAt).ConfigureAwait(false);
        foreach (var observer in _observers)
        {
            observer.OnCycle(result);
        }

        return true;
    }

    /// <param name="pass">The pass; its result is returned.</param>
    /// <param name="whenExhausted">The result of a pass that found no free file descriptor.</param>
    private async Task<T> WithDescriptorsAsync<T>(Func<Task<T>> pass, T whenExhausted)
    {
        T result;
        try
        {
            result = await pass().ConfigureAwait(false);
        }
        catch (Exception ex) when (Internal.FdExhaustion.Is(ex))
        {
            if (!status.FdExhausted)
            {
                logger.LogError("Cycle loop: no free file descriptor ({Error}); the pass is retried at the next one, state DEGRADED (fd_exhausted)", ex.Message);
            }

            status.DescriptorsExhausted();
            return whenExhausted;
        }

        if (status.FdExhausted)
        {
            status.DescriptorsAvailable();
            logger.LogWarning("Cycle loop: file descriptors available again at cycle {Cycle}", Cycles);
        }

        return result;
    }
}
