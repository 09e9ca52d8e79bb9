using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Plugins;
using AlphaHost.Host.Workers;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Families;

/// <summary>
/// The one state machine of a family slot, for the daemon and the offline commands alike. A slot is stopped (no
/// endpoint), starting (<see cref="FamilySlot.Starting"/>), running (<see cref="FamilySlot.Endpoint"/>), swapping (running,
/// with a new build starting beside it) or quarantined (no endpoint until its back-off, read from the injected clock, is
/// over). <see cref="Supervise"/> moves a slot one step towards what the config wants; nothing here waits on a family, so
/// the cycle loop is never blocked by a start or a stop. A failed start quarantines the slot at once (its retries back off,
/// doubling); a failed swap keeps the old endpoint serving.
/// </summary>
/// <param name="starter">Where a family is started (a worker, or in process).</param>
/// <param name="clock">The clock of the quarantine back-off.</param>
/// <param name="logger">The daemon's family log.</param>
/// <param name="startDisabled">An offline command's lifecycle: start every instance, enabled or not (an offline command works on a family the
/// daemon has switched off), and once: a failed start is reported, not retried.</param>
internal sealed class SlotLifecycle(IFamilyStarter starter, TimeProvider clock, ILogger logger, bool startDisabled = false)
{
    private static readonly TimeSpan RemoveBudget = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RetireBudget = TimeSpan.FromSeconds(2);
    private readonly List<Task> _stopping = [];
    private readonly CancellationTokenSource _shutdown = new();

    /// <summary>The folder under which each instance keeps its state (<c>&lt;StateRoot&gt;/&lt;instance&gt;</c>).</summary>
    public string StateRoot { get; set; } = "";

    /// <summary>Moves one slot one step towards what the config wants: started when wanted, stopped when disabled, swapped to a pending build.</summary>
    public void Supervise(FamilySlot slot, AlphaHostConfig config)
    {
        if (slot.Starting is { IsCompleted: true } started)
        {
            slot.Starting = null;
            Finish(slot, started, config);
        }

        if (!startDisabled && !slot.IsEnabled(config))
        {
            if (slot.Endpoint is { } running)
            {
                slot.Endpoint = null;
                // Its last health was its stopped endpoint's: enabled again, it is starting until the new one answers.
                slot.LastHealth = new FamilyHealth(FamilyState.Degraded, slot.LastHealth.ErrorCount, "starting");
                Stop(slot.Name, running, slot.BudgetIn(config));
                logger.LogInformation("Family {Family} disabled by configuration; its {Where} was stopped", slot.Name, running.Description);
            }

            return;
        }

        var swap = slot.PendingPlugin is not null && slot.Starting is null;
        if (slot.Starting is null && (slot.Endpoint is null || swap) && !slot.Quarantine.IsActive)
        {
            slot.Starting = StartAsync(slot, slot.PendingPlugin ?? slot.Plugin, config);
        }
    }

    /// <summary>Waits (at most <paramref name="budget"/>) for the starts in progress, then takes their results.</summary>
    public async Task WaitForStartsAsync(IReadOnlyList<FamilySlot> slots, TimeSpan budget, AlphaHostConfig config)
    {
        var starting = slots.Select(s => s.Starting).OfType<Task<IFamilyEndpoint>>().ToArray();
        try
        {
            await Task.WhenAll(starting).WaitAsync(budget, clock).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Failures are taken by Supervise; a start still running goes on in the background.
        }

        foreach (var slot in slots)
        {
            Supervise(slot, config);
        }
    }

    /// <summary>A new build of the slot's plugin: it switches to it once the build has started (at once when nothing runs).</summary>
    public static void Swap(FamilySlot slot, PluginInfo build)
    {
        if (slot.Endpoint is not null || slot.Starting is not null)
        {
            slot.PendingPlugin = build;
        }
        else
        {
            slot.Plugin = build;
        }
    }

    /// <summary>Records a failed cycle of <paramref name="slot"/>; a dead worker or a quarantine stops its endpoint so a new one can start later.</summary>
    public void Retire(FamilySlot slot, string reason)
    {
        if (slot.Endpoint is { } endpoint)
        {
            slot.Endpoint = null;
            slot.Restarts++;
            Stop(slot.Name, endpoint, RetireBudget);
            logger.LogWarning("Family {Family}: {Where} stopped ({Reason}); it starts again when its back-off is over", slot.Name, endpoint.Description, reason);
        }
    }

    /// <summary>Stops the endpoint of a slot whose plugin is no longer trusted.</summary>
    public void Revoke(FamilySlot slot)
    {
        if (slot.Endpoint is { } endpoint)
        {
            slot.Endpoint = null;
            Stop(slot.Name, endpoint, RemoveBudget);
        }
    }

    /// <summary>Stops a slot the configuration (or its plugin) no longer has, and a start in progress for it.</summary>
    public void Remove(FamilySlot slot)
    {
        if (slot.Endpoint is { } endpoint)
        {
            slot.Endpoint = null;
            Stop(slot.Name, endpoint, RemoveBudget);
            logger.LogInformation("Family {Family} is no longer configured (or exported); its {Where} was stopped", slot.Name, endpoint.Description);
        }

        if (slot.Starting is { } starting)
        {
            slot.Starting = null;
            _stopping.Add(StopWhenStartedAsync(starting));
        }
    }

    /// <summary>Stops every slot's family (starts in progress are abandoned at once: a constructor that blocks must not hold up the stop).</summary>
    public async Task StopAllAsync(IReadOnlyList<FamilySlot> slots)
    {
        if (_shutdown.IsCancellationRequested)
        {
            return;
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        var stops = slots.Select(s => s.Endpoint).OfType<IFamilyEndpoint>().Select(e => e.StopAsync(RemoveBudget))
            .Concat(slots.Select(s => s.Starting).OfType<Task<IFamilyEndpoint>>().Select(StopWhenStartedAsync))
            .Concat(_stopping)
            .ToArray();
        try
        {
            await Task.WhenAll(stops).WaitAsync(TimeSpan.FromSeconds(10), clock).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Families did not all stop cleanly: {Error}", ex.Message);
        }

        foreach (var endpoint in slots.Select(s => s.Endpoint).OfType<IFamilyEndpoint>())
        {
            await endpoint.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Finish(FamilySlot slot, Task<IFamilyEndpoint> started, AlphaHostConfig config)
    {
        var plugin = slot.PendingPlugin ?? slot.Plugin;
        if (started.IsCompletedSuccessfully)
        {
            var endpoint = started.Result;
            if (slot.Endpoint is { } old)
            {
                Stop(slot.Name, old, slot.BudgetIn(config));
                logger.LogInformation("Family {Family} switched to its new plugin build ({Sha}) in {Where}", slot.Name, plugin.Sha256[..Math.Min(12, plugin.Sha256.Length)],
                    endpoint.Description);
            }
            else
            {
                logger.LogInformation("Family {Family} started in {Where} ({Isolation})", slot.Name, endpoint.Description,
                    slot.IsolationIn(config) == FamilyIsolation.Process ? "isolation: process" : "isolation: in_process");
            }

            slot.Plugin = plugin;
            slot.PendingPlugin = null;
            slot.Endpoint = endpoint;
            slot.StartFailure = null;
            slot.LastHealth = endpoint.Health;
            slot.AppliedConfig = config.Family(slot.Name);
            foreach (var key in endpoint.UnreadKeys)
            {
                logger.LogWarning("Configuration: line {Line}: unknown key 'families.{Family}.{Key}' is ignored by the family",
                    slot.AppliedConfig.Lines.GetValueOrDefault(key), slot.Name, key);
            }

            return;
        }

        var reason = started.Exception?.InnerException?.Message ?? "cancelled";
        slot.HostErrors++;
        if (slot.Endpoint is not null)
        {
            // The build that failed is not tried again until its files change; the one serving is not at fault, so it
            // is neither quarantined nor marked as failing to start.
            slot.PendingPlugin = null;
            logger.LogError("Plugin {Plugin} reload failed, the last good version keeps running: family '{Family}' {Reason}", Path.GetFileName(plugin.Folder), slot.Name, reason);
        }
        else
        {
            slot.StartFailure = reason;
            var backoff = slot.Quarantine.Failed(config.Host.QuarantineAfter, config.Host.QuarantineBackoff, config.Host.CrashLoopWindow, now: true);
            slot.LastHealth = new FamilyHealth(FamilyState.Degraded, slot.LastHealth.ErrorCount, $"cannot start: {reason}");
            if (startDisabled)
            {
                // An offline command starts each family once: nothing would try again.
                logger.LogError("Family {Family} of plugin {Plugin} could not start: {Reason}; not retried by an offline command", slot.Name, Path.GetFileName(plugin.Folder), reason);
            }
            else
            {
                logger.LogError("Family {Family} of plugin {Plugin} could not start: {Reason}; next try in {Backoff}s", slot.Name, Path.GetFileName(plugin.Folder), reason,
                    (long)(backoff ?? TimeSpan.Zero).TotalSeconds);
            }
        }
    }

    private Task<IFamilyEndpoint> StartAsync(FamilySlot slot, PluginInfo plugin, AlphaHostConfig config)
    {
        var section = config.Family(slot.Name);
        var request = new FamilyStartRequest(plugin.Folder, slot.Export.Name, slot.Name, slot.SettingsFrom(section, config), section.Values,
            Path.Combine(StateRoot, slot.Name), section.MaxMemoryMb, config.Host.WorkerOutput, slot.OutputDropped);
        try
        {
            return starter.StartAsync(slot, request, config, _shutdown.Token);
        }
        catch (Exception ex)
        {
            return Task.FromException<IFamilyEndpoint>(ex);
        }
    }

    private void Stop(string family, IFamilyEndpoint endpoint, TimeSpan budget)
    {
        _stopping.RemoveAll(t => t.IsCompleted);
        _stopping.Add(Task.Run(async () =>
        {
            try
            {
                await endpoint.StopAsync(budget).ConfigureAwait(false);
                await endpoint.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                logger.LogWarning("Family {Family} did not stop cleanly: {Error}", family, ex.Message);
            }
        }));
    }

    private static async Task StopWhenStartedAsync(Task<IFamilyEndpoint> starting)
    {
        try
        {
            var endpoint = await starting.ConfigureAwait(false);
            await endpoint.StopAsync(RetireBudget).ConfigureAwait(false);
            await endpoint.DisposeAsync().ConfigureAwait(false);
        }
        catch (FamilyStartException)
        {
            // It never started.
        }
    }
}
