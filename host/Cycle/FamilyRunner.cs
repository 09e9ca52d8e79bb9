using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Families;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// Runs every enabled family on the cycle's snapshot, concurrently, each under its time budget, through its endpoint
/// (a worker process or in process). A family that throws, overruns, is still busy with an earlier overrun or whose
/// worker died contributes nothing this cycle and is logged; after <c>host.quarantine_after</c> consecutive failures
/// (at once for a dead worker or running out of memory) it is quarantined, its worker stopped, and it is started again
/// on a doubling back-off. Other families are never affected.
/// </summary>
internal sealed class FamilyRunner(ILogger<FamilyRunner> logger)
{
    /// <summary>The reason a family is DEGRADED when it logged beyond its budget (<c>host.plugin_log_*</c>).</summary>
    public const string LogFlood = "log_flood";

    /// <param name="input">The cycle's snapshot and market.</param>
    /// <param name="families">The families, enabled or not.</param>
    /// <param name="config">The configuration in force.</param>
    /// <param name="retire">Called for a family whose endpoint must go (dead worker, quarantine) so it can be restarted later.</param>
    public async Task<IReadOnlyList<FamilyOutcome>> RunAsync(CycleInput input, IReadOnlyList<FamilySlot> families, AlphaHostConfig config,
        Action<FamilySlot, string>? retire = null)
    {
        var snapshot = input.Snapshot;
        var outcomes = new FamilyOutcome?[families.Count];
        var running = new List<(int Index, FamilySlot Slot, Task<ComputeResult> Call)>();
        for (var i = 0; i < families.Count; i++)
        {
            var slot = families[i];
            var weight = config.Family(slot.Name).Weight;
            if (!slot.IsEnabled(config))
            {
                outcomes[i] = new FamilyOutcome(slot, OutcomeKind.DisabledConfig, Empty, weight, slot.LastHealth) { DisabledBy = FamilyOutcome.DisabledDetailIn(config, slot.Name) };
            }
            else if (slot.Quarantine.IsActive)
            {
                outcomes[i] = new FamilyOutcome(slot, OutcomeKind.Quarantined, Empty, weight, slot.LastHealth, $"quarantined until {slot.Quarantine.Until:O}");
            }
            else if (slot.Endpoint is not { } endpoint)
            {
                outcomes[i] = new FamilyOutcome(slot, OutcomeKind.Starting, Empty, weight, slot.LastHealth, slot.StartFailure ?? "starting");
            }
            else
            {
                running.Add((i, slot, endpoint.ComputeAsync(input, config.Family(slot.Name).Timeout ?? config.Host.FamilyTimeout)));
            }
        }

        foreach (var (index, slot, call) in running)
        {
            var weight = config.Family(slot.Name).Weight;
            var result = await call.ConfigureAwait(false);
            slot.LastHealth = result.Health;
            var logDropped = slot.Log?.EndCycle(config.Host.PluginLog) ?? 0;
            outcomes[index] = result.Status switch
            {
                CallStatus.Ok => Succeed(slot, result, snapshot.Cycle, weight, logDropped, config.Host.PluginLog, config.Host.NoSignalCycles),
                CallStatus.Busy => Fail(slot, OutcomeKind.StillRunning, weight, snapshot.Cycle, result.Error!, config, retire),
                CallStatus.TimedOut => Fail(slot, OutcomeKind.TimedOut, weight, snapshot.Cycle, result.Error!, config, retire),
                CallStatus.Exited => Fail(slot, OutcomeKind.Failed, weight, snapshot.Cycle, result.Error!, config, retire, fatal: true),
                _ => Fail(slot, OutcomeKind.Failed, weight, snapshot.Cycle, result.Error!, config, retire, fatal: result.OutOfMemory),
            };
        }

        return outcomes!;
    }

    /// <param name="logDropped">The family's log events dropped over <paramref name="logBudget"/> since its last cycle.</param>
    private FamilyOutcome Succeed(FamilySlot slot, ComputeResult result, long cycle, double weight, long logDropped, Logging.PluginLogBudget logBudget, int noSignalCycles)
    {
        var clean = SignalFilter.Clip(result.Signals);

        var failures = slot.Quarantine.ConsecutiveFailures;
        if (slot.Quarantine.Succeeded())
        {
            logger.LogInformation("Family {Family} recovered in cycle {Cycle} after {Failures} failed cycle(s)", slot.Name, cycle, failures);
        }

        var health = result.Health;
        if (result.NonFinite > 0 || result.Unknown > 0)
        {
            slot.HostErrors += result.NonFinite;
            logger.LogWarning("Family {Family} cycle {Cycle}: dropped {NonFinite} non-finite signal(s) and {Unknown} signal(s) for symbols not in the snapshot",
                slot.Name, cycle, result.NonFinite, result.Unknown);
            if (result.NonFinite > 0 && health.State == FamilyState.Ok)
            {
                health = health with { State = FamilyState.Degraded, Detail = $"{result.NonFinite} non-finite signals dropped" };
            }
        }

        if (logDropped > 0)
        {
            var flood = $"{LogFlood}: {logDropped} log event(s) dropped over its budget ({logBudget.EventsPerSecond}/s, {logBudget.BytesPerCycle} bytes a cycle)";
            logger.LogWarning("Family {Family} cycle {Cycle}: {Flood}", slot.Name, cycle, flood);
            if (health.State == FamilyState.Ok)
            {
                health = health with { State = FamilyState.Degraded, Detail = flood };
            }
        }

        slot.SilentCycles = clean.Count == 0 ? slot.SilentCycles + 1 : 0;
        if (noSignalCycles > 0 && slot.SilentCycles >= noSignalCycles && health.State == FamilyState.Ok)
        {
            // A family that says OK and signals nothing is either broken or idle; the operator must be told which it is not.
            if (slot.SilentCycles == noSignalCycles)
            {
                logger.LogWarning("Family {Family} reported OK with no signal for {Cycles} cycles in a row (host.no_signal_cycles); it is DEGRADED no_signals until it signals",
                    slot.Name, slot.SilentCycles);
            }

            health = health with { State = FamilyState.Degraded, Detail = string.IsNullOrEmpty(health.Detail)
                ? $"no_signals: no signal for {slot.SilentCycles} cycles"
                : $"no_signals: no signal for {slot.SilentCycles} cycles ({health.Detail})" };
        }

        return new FamilyOutcome(slot, OutcomeKind.Ok, clean, weight, health);
    }

    /// <param name="fatal">Quarantine at once (a dead worker, or out of memory: another try now would fail again or starve the others).</param>
    private FamilyOutcome Fail(FamilySlot slot, OutcomeKind kind, double weight, long cycle, string reason, AlphaHostConfig config,
        Action<FamilySlot, string>? retire, bool fatal = false)
    {
        slot.HostErrors++;
        var backoff = slot.Quarantine.Failed(config.Host.QuarantineAfter, config.Host.QuarantineBackoff, config.Host.CrashLoopWindow, fatal);
        logger.LogError("Family {Family} failed in cycle {Cycle} ({Failures} in a row): {Reason}; it contributes 0.0 this cycle",
            slot.Name, cycle, slot.Quarantine.ConsecutiveFailures, reason);
        if (backoff is { } wait)
        {
            logger.LogError("Family {Family} quarantined after {Failures} consecutive failures; next try in {Backoff}s",
                slot.Name, slot.Quarantine.ConsecutiveFailures, (long)wait.TotalSeconds);
            retire?.Invoke(slot, reason);
        }

        return new FamilyOutcome(slot, kind, Empty, weight, slot.LastHealth, reason);
    }

    private static readonly IReadOnlyDictionary<string, double> Empty = new Dictionary<string, double>();
}
