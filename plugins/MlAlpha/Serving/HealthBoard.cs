using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Governance;
using AlphaHost.Plugins.MlAlpha.Models;

namespace AlphaHost.Plugins.MlAlpha.Serving;

/// <summary>
/// The family's health as the cycle and the governance events left it: written by them, read by the heartbeat (from
/// another thread) without any work.
/// </summary>
internal sealed class HealthBoard(GovernanceBreaker breaker, ModelOperations models)
{
    private volatile FamilyHealth _current = NotStarted;

    /// <summary>Before the first cycle: nothing serves yet, which the heartbeat must not call OK.</summary>
    public static FamilyHealth NotStarted { get; } = new(FamilyState.Degraded, 0, "not started: no model loaded") { ServingModels = 0 };

    public FamilyHealth Current => _current;

    /// <summary>Model errors counted by governance (kept across restarts) and model folders refused since start.</summary>
    public long ErrorCount => breaker.State.ModelErrors + models.Refusals;

    public void Set(FamilyHealth health) => _current = health;

    /// <summary>The health of a family governance disabled.</summary>
    public FamilyHealth Disabled() =>
        new(FamilyState.DisabledGovernance, ErrorCount, $"disabled by governance since {breaker.State.DisabledAt:O}: {breaker.State.Reason}; reset required") { ServingModels = 0 };
}
