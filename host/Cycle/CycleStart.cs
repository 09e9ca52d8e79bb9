using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Families;
using AlphaHost.Host.Health;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// What the daemon does once, before its first cycle: says what it runs on, starts the families in the background while
/// the history warms up, then waits for them at most <c>host.init_timeout</c>, so the first cycle does not run with
/// families that are still initializing.
/// </summary>
internal sealed class CycleStart(
    ConfigReloader reloader,
    CycleMarket market,
    FamilySupervisor families,
    SignalWriter writer,
    HostStatus status,
    RuntimePaths paths,
    RunSettings run,
    ILogger<CycleService> logger)
{
    public async Task RunAsync(AlphaHostConfig current)
    {
        foreach (var warning in current.Warnings)
        {
            logger.LogWarning("Configuration: {Warning}", warning);
        }

        logger.LogInformation("AlphaHost starting: config {ConfigFile}, market {Market}, plugins {PluginsDir}, runtime {RuntimeDir}",
            current.SourcePath, market.Description, paths.PluginsDir, paths.RuntimeDir);
        market.ReportLoadIssues();
        if (writer.RemoveLeftovers() is > 0 and var leftovers)
        {
            logger.LogInformation("Removed {Count} temp file(s) of latest.json left by an interrupted earlier run", leftovers);
        }

        if (!Directory.Exists(paths.PluginsDir))
        {
            logger.LogWarning("Plugins folder {PluginsDir} does not exist; no family can run until plugin folders are put there", paths.PluginsDir);
        }

        families.Refresh(paths.PluginsDir, paths.StateDir, current);
        PublishLoadedFamilies(current);
        var warmed = market.WarmUp(run, current);
        await families.WaitForStartsAsync(current.Host.InitTimeout, current).ConfigureAwait(false);
        reloader.WarnUnclaimedKeys(current);
        logger.LogInformation("Plugins loaded: {Families} families ({Enabled} enabled); warming up on up to {Days} trading days of history",
            families.Slots.Count, families.Slots.Count(f => f.IsEnabled(current)), current.Market.WarmupDays);
        status.StartedFamilies(families.Slots.Select(f => FamilyStatuses.Of(f, current)).ToArray());
        logger.LogInformation("Warm-up done: {Days} trading days of history up to {Date}; {Families} families loaded ({Enabled} enabled)",
            warmed, market.CurrentDate, families.Slots.Count, families.Slots.Count(f => f.IsEnabled(current)));
        if (run.From is { } start)
        {
            logger.LogInformation("Replay starts at {From} (run --from): the first cycle processes the first trading day on or after it", start);
        }

        if (current.Market.CatchUp == CatchUpMode.Fast && market.HoldsNextDay)
        {
            logger.LogInformation("Catching up with the feed's history without pause (market.catch_up fast); host.cycle_interval {Interval} applies once caught up",
                DurationText.Format(current.Host.CycleInterval));
        }
    }

    private void PublishLoadedFamilies(AlphaHostConfig current) => status.LoadedFamilies = families.Slots.Select(f => FamilyStatuses.Of(f, current)).ToArray();
}
