using System.Diagnostics;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Families;
using AlphaHost.Host.Health;
using AlphaHost.Host.Market;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Cycle;

/// <summary>Settings of one daemon run that do not come from the config file.</summary>
/// <param name="MaxCycles">Stop after this many cycles (exit 0); null runs until SIGTERM/SIGINT.</param>
internal sealed record RunSettings(long? MaxCycles);

/// <summary>
/// The daemon's loop. Each cycle: pick up a saved config change, pick up new or replaced plugins, advance the
/// replay clock one trading day, run the enabled families, combine, write the signals, publish the status.
/// A stop request lets the current cycle finish.
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
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<CycleService> logger) : BackgroundService
{
    private long _cycle;
    private long _cyclesWithoutData;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await StartAsync().ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            await RunCycleAsync().ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (run.MaxCycles is { } max && _cycle >= max)
            {
                logger.LogInformation("Completed {Cycles} cycles as asked; stopping", _cycle);
                lifetime.StopApplication();
                return;
            }

            var pause = config.Current.Host.CycleInterval - elapsed;
            if (pause <= TimeSpan.Zero)
            {
                await Task.Yield();
                continue;
            }

            try
            {
                await Task.Delay(pause, clock, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        writer.Dispose();
        await families.DisposeAsync().ConfigureAwait(false);
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
        while (warmed < current.Market.WarmupDays && feed.TryNextDay(out var day))
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
    }

    private void PublishLoadedFamilies(AlphaHostConfig current) => status.LoadedFamilies = families.Slots.Select(f =>
    {
        var health = f.LastHealth;
        var enabled = f.IsEnabled(current);
        return new FamilyStatus(f.Name, enabled, false, enabled ? FamilyOutcome.NameOf(health.State) : "DISABLED_CONFIG", f.Export.IsModelFamily, health.ErrorCount);
    }).ToArray();

    private async Task RunCycleAsync()
    {
        _cycle++;
        var configRejected = await ApplyConfigChangeAsync().ConfigureAwait(false);
        var current = config.Current;
        families.Refresh(paths.PluginsDir, paths.StateDir, current);

        var hasDay = feed.TryNextDay(out var day);
        ReportIssues(feed.TakeIssues(), "in newly arrived data");
        if (!hasDay)
        {
            Publish(new CycleReport { Cycle = _cycle, MarketData = false, MarketDate = market.CurrentDate, UniverseSize = market.UniverseSize, ConfigRejected = configRejected }, TimeSpan.Zero);
            if (_cyclesWithoutData++ == 0)
            {
                logger.LogWarning("No market data from cycle {Cycle}: the feed {Feed} delivered no new trading day after {Date}; no signals are emitted until it does",
                    _cycle, feed.Description, market.CurrentDate);
            }

            return;
        }

        if (_cyclesWithoutData > 0)
        {
            logger.LogWarning("Market data resumed in cycle {Cycle} with {Date} after {Cycles} cycle(s) without a new trading day", _cycle, day.Date, _cyclesWithoutData);
            _cyclesWithoutData = 0;
        }

        var started = Stopwatch.GetTimestamp();
        var previousDate = market.CurrentDate;
        var dayReport = market.Append(day);
        ReportIssues(dayReport.Rejected, $"on {day.Date:yyyy-MM-dd}");
        var snapshot = market.Snapshot(_cycle);
        var outcomes = await runner.RunAsync(new CycleInput(snapshot, market, previousDate), families.Slots, current, families.Retire).ConfigureAwait(false);
        var combined = SignalCombiner.Combine(snapshot, outcomes);

        var writeFailed = false;
        try
        {
            writer.Write(combined);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            writeFailed = true;
            logger.LogError("Cycle {Cycle}: signals could not be written to {SignalsDir}: {Error}", _cycle, paths.SignalsDir, ex.Message);
        }

        Publish(new CycleReport
        {
            Cycle = _cycle,
            MarketData = true,
            MarketDate = day.Date,
            FreshSymbols = dayReport.Fresh,
            StaleSymbols = dayReport.Stale,
            UniverseSize = market.UniverseSize,
            BenchmarkFresh = dayReport.BenchmarkFresh,
            RejectedBars = dayReport.Rejected.Count,
            Families = outcomes.Select(o => new FamilyStatus(o.Name, o.IsEnabled, o.IsFailure || o.Kind == OutcomeKind.Quarantined, o.StateName,
                o.Handle.Export.IsModelFamily, o.Health.ErrorCount)).ToArray(),
            ConfigRejected = configRejected,
            SignalWriteFailed = writeFailed,
        }, Stopwatch.GetElapsedTime(started));
    }

    private async Task<bool> ApplyConfigChangeAsync()
    {
        var candidate = config.CheckForChange();
        if (candidate is not null)
        {
            if (await families.ApplyConfigAsync(candidate).ConfigureAwait(false) is { } refusal)
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

    private void Publish(CycleReport report, TimeSpan elapsed) => status.Publish(report, elapsed);

    private void WarnUnclaimedKeys(AlphaHostConfig current)
    {
        var names = families.Slots.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in current.Families.Keys.Where(n => !names.Contains(n)))
        {
            logger.LogWarning("Configuration: families.{Family} names no loaded family; it has no effect until a plugin exports it", name);
        }

        var flags = families.Slots.Select(f => f.Export.FeatureFlag).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var (flag, value) in current.Features.Where(f => !flags.Contains(f.Key)))
        {
            logger.LogWarning("Configuration: line {Line}: features.{Flag} gates no loaded family; it has no effect until a plugin declares it", value.Line, flag);
        }

        foreach (var family in families.Slots.Where(f => !current.Families.ContainsKey(f.Name)))
        {
            logger.LogWarning("Family {Family} has no families.{Family} section; it stays disabled until one with enabled: true is added", family.Name, family.Name);
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
