using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Internal;
using AlphaHost.Host.Plugins;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// Runs every enabled family on the cycle's snapshot, concurrently, each under its time budget. A family that
/// throws, overruns or is still busy with an earlier overrun contributes nothing this cycle and is logged; after
/// <c>host.quarantine_after</c> consecutive failures it is quarantined and retried on a doubling back-off.
/// Other families are never affected.
/// </summary>
internal sealed class FamilyRunner(TimeProvider clock, ILogger<FamilyRunner> logger)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(30);

    public async Task<IReadOnlyList<FamilyOutcome>> RunAsync(MarketSnapshot snapshot, IReadOnlyList<FamilyHandle> families, AlphaHostConfig config)
    {
        var now = clock.GetUtcNow();
        var running = new List<(int Index, FamilyHandle Handle, Task<FamilySignals> Task, CancellationTokenSource Cts, long Started, TimeSpan Budget)>();
        var outcomes = new FamilyOutcome?[families.Count];
        for (var i = 0; i < families.Count; i++)
        {
            var handle = families[i];
            var weight = config.Family(handle.Name).Weight;
            if (!handle.IsEnabled(config))
            {
                outcomes[i] = new FamilyOutcome(handle, OutcomeKind.DisabledConfig, Empty, weight, handle.ReadHealth());
            }
            else if (handle.QuarantinedUntil is { } until && until > now)
            {
                outcomes[i] = new FamilyOutcome(handle, OutcomeKind.Quarantined, Empty, weight, handle.ReadHealth(), $"quarantined until {until:O}");
            }
            else if (handle.Pending is { IsCompleted: false })
            {
                outcomes[i] = Fail(handle, OutcomeKind.StillRunning, weight, snapshot.Cycle, "still running an earlier cycle's computation", config);
            }
            else if (handle.Pending is { IsFaulted: true } overran && overran.Exception?.InnerException is OutOfMemoryException)
            {
                handle.Pending = null;
                outcomes[i] = Fail(handle, OutcomeKind.Failed, weight, snapshot.Cycle, "ran out of memory in an overrun of an earlier cycle", config, quarantineNow: true);
            }
            else
            {
                var task = TimeBudget.Start(ct => handle.Family.ComputeAsync(snapshot, ct).AsTask(), CancellationToken.None, out var cts);
                running.Add((i, handle, task, cts, clock.GetTimestamp(), config.Family(handle.Name).Timeout ?? config.Host.FamilyTimeout));
            }
        }

        var symbols = snapshot.Symbols.Select(s => s.Symbol).ToHashSet(StringComparer.Ordinal);
        foreach (var (index, handle, task, cts, started, budget) in running)
        {
            var weight = config.Family(handle.Name).Weight;
            try
            {
                var remaining = budget - clock.GetElapsedTime(started);
                var signals = await task.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, clock).ConfigureAwait(false);
                cts.Dispose();
                outcomes[index] = Succeed(handle, signals, snapshot, symbols, weight);
            }
            catch (TimeoutException)
            {
                await cts.CancelAsync().ConfigureAwait(false);
                handle.Pending = task;
                outcomes[index] = Fail(handle, OutcomeKind.TimedOut, weight, snapshot.Cycle, $"did not finish within its {budget.TotalMilliseconds:0} ms budget", config);
            }
            catch (Exception ex)
            {
                cts.Dispose();
                outcomes[index] = Fail(handle, OutcomeKind.Failed, weight, snapshot.Cycle, $"threw {ex.GetType().Name}: {ex.Message}", config,
                    quarantineNow: ex is OutOfMemoryException);
            }
        }

        return outcomes!;
    }

    private FamilyOutcome Succeed(FamilyHandle handle, FamilySignals? signals, MarketSnapshot snapshot, HashSet<string> symbols, double weight)
    {
        var raw = signals?.BySymbol ?? Empty;
        var clean = new Dictionary<string, double>(raw.Count, StringComparer.Ordinal);
        var nonFinite = 0;
        var unknown = 0;
        foreach (var (symbol, value) in raw)
        {
            if (!double.IsFinite(value))
            {
                nonFinite++;
            }
            else if (!symbols.Contains(symbol))
            {
                unknown++;
            }
            else
            {
                clean[symbol] = Math.Clamp(value, -1.0, 1.0);
            }
        }

        if (handle.ConsecutiveFailures > 0 || handle.QuarantinedUntil is not null)
        {
            logger.LogInformation("Family {Family} recovered in cycle {Cycle} after {Failures} failed cycle(s)", handle.Name, snapshot.Cycle, handle.ConsecutiveFailures);
        }

        handle.ConsecutiveFailures = 0;
        handle.QuarantineCount = 0;
        handle.QuarantinedUntil = null;
        var health = handle.ReadHealth();
        if (nonFinite > 0 || unknown > 0)
        {
            handle.HostErrors += nonFinite;
            logger.LogWarning("Family {Family} cycle {Cycle}: dropped {NonFinite} non-finite signal(s) and {Unknown} signal(s) for symbols not in the snapshot",
                handle.Name, snapshot.Cycle, nonFinite, unknown);
            if (nonFinite > 0 && health.State == FamilyState.Ok)
            {
                health = health with { State = FamilyState.Degraded, Detail = $"{nonFinite} non-finite signals dropped" };
            }
        }

        return new FamilyOutcome(handle, OutcomeKind.Ok, clean, weight, health);
    }

    /// <param name="quarantineNow">Quarantine at once (the family ran out of memory: another try would starve the others).</param>
    private FamilyOutcome Fail(FamilyHandle handle, OutcomeKind kind, double weight, long cycle, string reason, AlphaHostConfig config, bool quarantineNow = false)
    {
        handle.ConsecutiveFailures++;
        handle.HostErrors++;
        logger.LogError("Family {Family} failed in cycle {Cycle} ({Failures} in a row): {Reason}; it contributes 0.0 this cycle",
            handle.Name, cycle, handle.ConsecutiveFailures, reason);
        if (quarantineNow || handle.ConsecutiveFailures >= config.Host.QuarantineAfter)
        {
            handle.QuarantineCount++;
            var factor = Math.Pow(2, Math.Min(handle.QuarantineCount - 1, 20));
            var backoff = TimeSpan.FromTicks((long)Math.Min(config.Host.QuarantineBackoff.Ticks * factor, MaxBackoff.Ticks));
            handle.QuarantinedUntil = clock.GetUtcNow() + backoff;
            logger.LogError("Family {Family} quarantined after {Failures} consecutive failures; next try in {Backoff}s",
                handle.Name, handle.ConsecutiveFailures, (long)backoff.TotalSeconds);
        }

        return new FamilyOutcome(handle, kind, Empty, weight, handle.ReadHealth(), reason);
    }

    private static readonly IReadOnlyDictionary<string, double> Empty = new Dictionary<string, double>();
}
