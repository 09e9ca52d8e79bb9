using System.Diagnostics;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Families;
using AlphaHost.Host.Health;
using AlphaHost.Host.Http;
using AlphaHost.Host.Market;
using AlphaHost.Host.Market.Calendars;
using AlphaHost.Host.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Cycle;

/// <summary>Settings of one daemon run that do not come from the config file.</summary>
/// <param name="MaxCycles">Stop after this many passes of the loop, idle polls for data included (exit 0); null runs until SIGTERM/SIGINT.</param>
/// <param name="From">The first cycle's day is the first trading day on or after this date, the days before it are history; null: after <c>market.warmup_days</c>.</param>
internal sealed record RunSettings(long? MaxCycles, DateOnly? From = null);

/// <summary>
/// The daemon's loop. Each cycle: pick up a saved config change, pick up new or replaced plugins, advance the
/// replay clock one trading day, run the enabled families, combine, write the signals, publish the status.
/// A stop request lets the current cycle finish. A pass that finds no new trading day is an idle poll: it does not
/// count as a cycle, leaves the last cycle's family states in place and moves the feed's <see cref="DataState"/>
/// (<see cref="DataWatch"/>). Under systemd every completed pass pings the watchdog, so a loop that stops completing
/// passes is restarted. An exception escaping the loop is logged as CRITICAL and the daemon exits with
/// <see cref="DaemonExit.LoopFaulted"/>, never 0.
/// </summary>
internal sealed class CycleService(
    ConfigStore config,
    RuntimePaths paths,
    RunSettings run,
    IMarketFeed feed,
    MarketState market,
    FamilySupervisor families,
    FamilyRunner runner,
    SignalWriter writer,
    HostStatus status,
    Scoring.LiveScorer scorer,
    ShadowJournal shadows,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    DaemonExit exit,
    ConfigReloadRequests reloads,
    ILogger<CycleService> logger,
    AlphaHostMetrics metrics,
    SignalFeed signalFeed,
    ISystemdNotifier? systemd = null) : BackgroundService
{
    private static readonly ServiceState Watchdog = new("WATCHDOG=1");
    private readonly DataWatch _data = new(clock);
    private readonly CyclePacer _pacer = new();
    private readonly Workers.MarketImage _image = new(paths.MarketDir, logger);
    private readonly Portfolio.PortfolioTargetFile _portfolio = new(paths.RuntimeDir, metrics.Meter, logger);
    private long _cycle;
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
                _cycle, ex.Message, DaemonExit.LoopFaulted);
            lifetime.StopApplication();
        }
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        await StartAsync().ConfigureAwait(false);
        PingWatchdog();
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            var held = feed.HoldsNextDay;
            var hadDay = await WithDescriptorsAsync(RunCycleAsync, whenExhausted: false).ConfigureAwait(false);
            _passes++;
            PingWatchdog();
            var elapsed = Stopwatch.GetElapsedTime(started);
            var current = config.Current;
            if (hadDay && held && !feed.HoldsNextDay && current.Market.CatchUp == CatchUpMode.Fast)
            {
                logger.LogInformation("Fast catch-up done: replayed the feed's history up to {Date} ({Cycles} cycles); host.cycle_interval {Interval} from now on",
                    market.CurrentDate, _cycle, DurationText.Format(current.Host.CycleInterval));
            }

            if (run.MaxCycles is { } max && _passes >= max)
            {
                logger.LogInformation("Completed {Passes} passes as asked ({Cycles} with a new trading day); stopping", _passes, _cycle);
                lifetime.StopApplication();
                return;
            }

            try
            {
                await PauseAsync(_pacer.PauseAfter(hadDay, held, elapsed, current.Host.CycleInterval, current.Market.CatchUp), stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The pause until the next cycle; a re-read asked for meanwhile (SIGHUP) is done at once, and the pause goes on.</summary>
    private async Task PauseAsync(TimeSpan pause, CancellationToken stoppingToken)
    {
        var resumeAt = clock.GetUtcNow() + pause;
        do
        {
            if (!await reloads.WaitAsync(resumeAt - clock.GetUtcNow(), clock, stoppingToken).ConfigureAwait(false))
            {
                break;
            }

            await WithDescriptorsAsync(ReloadOnRequestAsync).ConfigureAwait(false);
        }
        while (clock.GetUtcNow() < resumeAt);

        await Task.Yield();
    }

    /// <summary>
    /// Runs a pass (or a SIGHUP re-read); one that fails for want of a file descriptor (any local client can open
    /// connections until the process has none left; a leak can do the same) is not a fault of the loop: it is logged once,
    /// the heartbeat says DEGRADED <c>fd_exhausted</c>, and the next pass tries again.
    /// </summary>
    private Task WithDescriptorsAsync(Func<Task> pass) => WithDescriptorsAsync(async () =>
    {
        await pass().ConfigureAwait(false);
        return true;
    }, whenExhausted: false);

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
            logger.LogWarning("Cycle loop: file descriptors available again at cycle {Cycle}", _cycle);
        }

        return result;
    }

    private async Task ReloadOnRequestAsync()
    {
        var before = config.Current;
        var rejected = await ApplyConfigChangeAsync().ConfigureAwait(false);
        if (!ReferenceEquals(before, config.Current))
        {
            return;
        }

        if (rejected)
        {
            logger.LogWarning("SIGHUP: the last good configuration stays in force: {ConfigError}", config.RejectedError);
        }
        else
        {
            logger.LogInformation("SIGHUP: {ConfigFile} re-read, no change to apply", before.SourcePath);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        writer.Dispose();
        await families.DisposeAsync().ConfigureAwait(false);
        _image.Dispose();
        logger.LogInformation("Cycle loop stopped after {Cycles} cycles", _cycle);
    }

    private async Task StartAsync()
    {
        var current = config.Current;
        foreach (var warning in current.Warnings)
        {
            logger.LogWarning("Configuration: {Warning}", warning);
        }

        logger.LogInformation("AlphaHost starting: config {ConfigFile}, market {Market}, plugins {PluginsDir}, runtime {RuntimeDir}",
            current.SourcePath, feed.Description, paths.PluginsDir, paths.RuntimeDir);
        ReportIssues(feed.LoadIssues, "while loading");
        if (writer.RemoveLeftovers() is > 0 and var leftovers)
        {
            logger.LogInformation("Removed {Count} temp file(s) of latest.json left by an interrupted earlier run", leftovers);
        }

        if (!Directory.Exists(paths.PluginsDir))
        {
            logger.LogWarning("Plugins folder {PluginsDir} does not exist; no family can run until plugin folders are put there", paths.PluginsDir);
        }

        // Families start in the background (each in its worker) while the history warms up; the first cycle waits for
        // them at most host.init_timeout, so it does not run with families that are still initializing.
        families.Refresh(paths.PluginsDir, paths.StateDir, current);
        PublishLoadedFamilies(current);
        var warmed = 0;
        var rejected = new List<DataIssue>();
        while ((run.From is { } from ? feed.DateOf(warmed) < from : warmed < current.Market.WarmupDays) && feed.TryNextDay(out var day))
        {
            rejected.AddRange(market.Append(day).Rejected);
            warmed++;
        }

        ReportIssues(rejected, "during warm-up");
        await families.WaitForStartsAsync(current.Host.InitTimeout, current).ConfigureAwait(false);
        PublishLoadedFamilies(current);
        WarnUnclaimedKeys(current);
        logger.LogInformation("Plugins loaded: {Families} families ({Enabled} enabled); warming up on up to {Days} trading days of history",
            families.Slots.Count, families.Slots.Count(f => f.IsEnabled(current)), current.Market.WarmupDays);
        logger.LogInformation("Warm-up done: {Days} trading days of history up to {Date}; {Families} families loaded ({Enabled} enabled)",
            warmed, market.CurrentDate, families.Slots.Count, families.Slots.Count(f => f.IsEnabled(current)));
        if (run.From is { } start)
        {
            logger.LogInformation("Replay starts at {From} (run --from): the first cycle processes the first trading day on or after it", start);
        }

        if (current.Market.CatchUp == CatchUpMode.Fast && feed.HoldsNextDay)
        {
            logger.LogInformation("Catching up with the feed's history without pause (market.catch_up fast); host.cycle_interval {Interval} applies once caught up",
                DurationText.Format(current.Host.CycleInterval));
        }
    }

    private void PublishLoadedFamilies(AlphaHostConfig current) => status.LoadedFamilies = families.Slots.Select(f => StatusOf(f, current)).ToArray();

    /// <summary>A family's state between cycles: its last health, or DISABLED_CONFIG when the config turns it off.</summary>
    private static FamilyStatus StatusOf(FamilySlot slot, AlphaHostConfig current)
    {
        var health = slot.LastHealth;
        return slot.IsEnabled(current)
            ? new FamilyStatus(slot.Name, true, false, health.State, slot.Export.IsModelFamily, health.ErrorCount, health.Detail, health.ServingModels) { FeatureDrift = health.FeatureDrift }
            : new FamilyStatus(slot.Name, false, false, FamilyState.DisabledConfig, slot.Export.IsModelFamily, health.ErrorCount);
    }

    /// <summary>One pass; true when it processed a trading day, false for an idle poll.</summary>
    private async Task<bool> RunCycleAsync()
    {
        var configRejected = await ApplyConfigChangeAsync().ConfigureAwait(false);
        var current = config.Current;
        families.Refresh(paths.PluginsDir, paths.StateDir, current);

        var hasDay = feed.TryNextDay(out var day);
        ReportIssues(feed.TakeIssues(), "in newly arrived data");
        if (!hasDay)
        {
            await families.RefreshHealthAsync(current).ConfigureAwait(false);
            var (change, after) = _data.NoNewDay(ExchangeCalendars.Named(current.Market.Calendar), market.CurrentDate, current.Market.MaxDataDelay);
            var waiting = WaitingFamilies(current);
            status.Idle(_data.State!.Value, market.CurrentDate, configRejected, waiting);
            metrics.Families(waiting, cycled: false);
            LogDataChange(change, after, market.CurrentDate, current.Market);
            return false;
        }

        _cycle++;
        var (arrival, waited) = _data.DayArrived();
        LogDataChange(arrival, waited, day.Date, current.Market);
        var started = Stopwatch.GetTimestamp();
        var previousDate = market.CurrentDate;
        var dayReport = market.Append(day);
        ReportIssues(dayReport.Rejected, $"on {day.Date:yyyy-MM-dd}");
        var snapshot = market.Snapshot(_cycle);
        var outcomes = await runner.RunAsync(new CycleInput(snapshot, market, previousDate, _image), families.Slots, current, families.Retire).ConfigureAwait(false);
        var combined = SignalCombiner.CombineLive(snapshot, outcomes, current);
        scorer.Observe(snapshot, outcomes, combined);
        _portfolio.Write(snapshot, combined.Signals.Select(s => KeyValuePair.Create(s.Symbol, s.Signal)), current.Portfolio);

        var writeFailed = false;
        try
        {
            writer.Write(combined);
            signalFeed.Publish(combined.Cycle, writer.LatestJson);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            writeFailed = true;
            logger.LogError("Cycle {Cycle}: signals could not be written to {SignalsDir}: {Error}", _cycle, paths.SignalsDir, ex.Message);
        }

        try
        {
            shadows.Write(_cycle, day.Date, outcomes.Where(o => current.Family(o.Name).Shadow).ToArray());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError("Cycle {Cycle}: shadow signals could not be written to {SignalsDir}: {Error}", _cycle, paths.SignalsDir, ex.Message);
        }

        var report = new CycleReport
        {
            Cycle = _cycle,
            MarketDate = day.Date,
            FreshSymbols = dayReport.Fresh,
            StaleSymbols = dayReport.Stale,
            UniverseSize = market.UniverseSize,
            BenchmarkFresh = dayReport.BenchmarkFresh,
            RejectedBars = dayReport.Rejected.Count,
            Families = outcomes.Select(o => StatusOf(o) with { Shadow = current.Family(o.Name).Shadow }).ToArray(),
            ConfigRejected = configRejected,
            SignalWriteFailed = writeFailed,
            LiveScores = scorer.Scores(),
            Contributions = combined.MeanAbsContributions(),
        };
        var elapsed = Stopwatch.GetElapsedTime(started);
        status.Publish(report, elapsed);
        metrics.Cycle(elapsed, outcomes, combined);
        metrics.Families(report.Families, cycled: true);
        return true;
    }

    private async Task<bool> ApplyConfigChangeAsync()
    {
        var candidate = config.CheckForChange();
        if (candidate is not null)
        {
            if (FamilyInstances.Check(candidate, families.Exports) is { } broken)
            {
                config.Reject(broken.Message, candidate.ContentHash);
            }
            else if (await families.ApplyConfigAsync(candidate).ConfigureAwait(false) is { } refusal)
            {
                config.Reject(refusal, candidate.ContentHash);
            }
            else
            {
                config.Accept(candidate);
                WarnUnclaimedKeys(candidate);
            }
        }

        return config.RejectedError is not null;
    }

    /// <summary>A family's turn as the heartbeat shows it; the host's failure reason is the detail when it overrides the family's state.</summary>
    private static FamilyStatus StatusOf(FamilyOutcome outcome) => new(
        outcome.Name,
        outcome.IsEnabled,
        outcome.IsFailure || outcome.Kind == OutcomeKind.Quarantined,
        outcome.State,
        outcome.Handle.Export.IsModelFamily,
        outcome.Health.ErrorCount,
        outcome.Detail,
        outcome.IsEnabled ? outcome.Health.ServingModels : null)
    {
        FeatureDrift = outcome.IsEnabled ? outcome.Health.FeatureDrift : null,
    };

    /// <summary>
    /// The families' states while no new day comes: each keeps its last cycle's state, except that a config change
    /// shows at once (an <c>ml disable</c> on a waiting daemon reads DISABLED_CONFIG, not the state before it).
    /// </summary>
    private FamilyStatus[] WaitingFamilies(AlphaHostConfig current)
    {
        var last = status.Families;
        return families.Slots.Select(f =>
        {
            var previous = last.FirstOrDefault(p => p.Name == f.Name);
            if (!f.IsEnabled(current))
            {
                return new FamilyStatus(f.Name, false, false, FamilyState.DisabledConfig, f.Export.IsModelFamily, previous?.ErrorCount ?? 0, FamilyOutcome.DisabledDetail);
            }

            // Without an endpoint there is nothing to read; after a failed or quarantined cycle the host's verdict stands
            // until the next one.
            if (previous is { Enabled: true } && (f.Endpoint is null || previous.Failed))
            {
                return previous;
            }

            return StatusOf(f, current);
        }).ToArray();
    }

    private void PingWatchdog()
    {
        if (systemd is { IsEnabled: true })
        {
            systemd.Notify(Watchdog);
        }
    }

    /// <summary>A normal wait and its end are INFO; only an overdue feed warns, once, and once more when it recovers.</summary>
    private void LogDataChange(DataChange change, TimeSpan after, DateOnly? date, MarketOptions options)
    {
        var maxDelay = options.MaxDataDelay;
        var next = date is { } last ? DataSchedule.Next(ExchangeCalendars.Named(options.Calendar), last, maxDelay) : null;
        switch (change)
        {
            case DataChange.CaughtUp:
                logger.LogInformation("Caught up with the feed at {Date}: waiting for the next trading day {Next}, due {Due}, overdue after {OverdueAt} (market.calendar {Calendar}, market.max_data_delay {MaxDelay})",
                    date, next!.Session, Utc(next.Due), Utc(next.OverdueAt), options.Calendar, DurationText.Format(maxDelay));
                break;
            case DataChange.Resumed:
                logger.LogInformation("Market data: {Date} arrived after waiting {Waited}", date, DurationText.Format(after));
                break;
            case DataChange.BecameOverdue when date is null:
                logger.LogWarning("Market data overdue: the feed {Feed} has delivered no trading day at all; no signals are emitted until it does", feed.Description);
                break;
            case DataChange.BecameOverdue:
                logger.LogWarning("Market data overdue: no trading day after {Date} from the feed {Feed}; {Next} was due by {OverdueAt} (its close {Due} on market.calendar {Calendar} + market.max_data_delay {MaxDelay}); no signals are emitted until it arrives",
                    date, feed.Description, next!.Session, Utc(next.OverdueAt), Utc(next.Due), options.Calendar, DurationText.Format(maxDelay));
                break;
            case DataChange.Recovered when _data.State == DataState.Replaying:
                logger.LogWarning("Market data recovered: {Date} arrived after {Overdue} overdue", date, DurationText.Format(after));
                break;
            case DataChange.Recovered:
                logger.LogWarning("Market data no longer overdue after {Overdue}: market.max_data_delay {MaxDelay} gives the trading day after {Date} until {OverdueAt}",
                    DurationText.Format(after), DurationText.Format(maxDelay), date, Utc(next!.OverdueAt));
                break;
        }
    }

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private void WarnUnclaimedKeys(AlphaHostConfig current)
    {
        var names = families.Exports.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var flags = families.Exports.Select(f => f.FeatureFlag).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var warning in ConfigCoverage.Warnings(current, names, flags))
        {
            logger.LogWarning("Configuration: {Warning}", warning);
        }
    }

    private void ReportIssues(IReadOnlyList<DataIssue> issues, string when)
    {
        foreach (var group in issues.GroupBy(i => i.Symbol))
        {
            var first = group.Take(3).Select(i => i.Problem);
            logger.LogWarning("Market data {Symbol}: {Count} problem(s) {When}, bad rows rejected: {Problems}", group.Key, group.Count(), when, string.Join("; ", first));
        }
    }
}
