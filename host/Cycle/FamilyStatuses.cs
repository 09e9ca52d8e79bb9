using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Families;
using AlphaHost.Host.Health;

namespace AlphaHost.Host.Cycle;

/// <summary>A family's state as the status shows it: after its turn in a cycle, between cycles, and while no new day comes.</summary>
internal static class FamilyStatuses
{
    /// <summary>A family's turn as the heartbeat shows it; the host's failure reason is the detail when it overrides the family's state.</summary>
    public static FamilyStatus Of(FamilyOutcome outcome) => new(
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
        Running = outcome.Kind is not (OutcomeKind.Starting or OutcomeKind.DisabledConfig),
    };

    /// <summary>A family's state between cycles: its last health, or DISABLED_CONFIG when the config turns it off.</summary>
    public static FamilyStatus Of(FamilySlot slot, AlphaHostConfig current)
    {
        var health = slot.LastHealth;
        return slot.IsEnabled(current)
            ? new FamilyStatus(slot.Name, true, false, health.State, slot.Export.IsModelFamily, health.ErrorCount, health.Detail, health.ServingModels) { FeatureDrift = health.FeatureDrift, Running = slot.Endpoint is not null }
            : new FamilyStatus(slot.Name, false, false, FamilyState.DisabledConfig, slot.Export.IsModelFamily, health.ErrorCount);
    }

    /// <summary>
    /// The families' states while no new day comes: each keeps its last cycle's state, except that a config change
    /// shows at once (an <c>ml disable</c> on a waiting daemon reads DISABLED_CONFIG, not the state before it).
    /// </summary>
    /// <param name="slots">The families.</param>
    /// <param name="last">The states the status shows now.</param>
    /// <param name="current">The configuration in force.</param>
    public static FamilyStatus[] Waiting(IReadOnlyList<FamilySlot> slots, IReadOnlyList<FamilyStatus> last, AlphaHostConfig current) =>
        slots.Select(f =>
        {
            var previous = last.FirstOrDefault(p => p.Name == f.Name);
            if (!f.IsEnabled(current))
            {
                return new FamilyStatus(f.Name, false, false, FamilyState.DisabledConfig, f.Export.IsModelFamily, previous?.ErrorCount ?? 0, FamilyOutcome.DisabledDetailIn(current, f.Name));
            }

            // Without an endpoint there is nothing to read; after a failed or quarantined cycle the host's verdict stands
            // until the next one.
            if (previous is { Enabled: true } && (f.Endpoint is null || previous.Failed))
            {
                return previous;
            }

            return Of(f, current);
        }).ToArray();
}
