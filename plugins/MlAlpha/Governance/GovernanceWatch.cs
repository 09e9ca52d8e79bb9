using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Serving;

namespace AlphaHost.Plugins.MlAlpha.Governance;

/// <summary>
/// The family's side of governance: counts model failures on the <see cref="GovernanceBreaker"/> and logs them in the
/// governance shape, takes in decisions another process wrote (an operator's <c>ml reset-governance</c>), and carries
/// the operator's own read and reset. Every decision that changes the family's health is written to the <see cref="HealthBoard"/>.
/// </summary>
internal sealed class GovernanceWatch(GovernanceBreaker breaker, GovernanceLog log, HealthBoard health)
{
    public bool IsDisabled => breaker.IsDisabled;

    /// <summary>The limits in force; a configuration change applies from the next failure on.</summary>
    public GovernanceOptions Options
    {
        get => breaker.Options;
        set => breaker.Options = value;
    }

    /// <summary>At start: a decision that survived the restart is logged and shown.</summary>
    public void Start()
    {
        if (breaker.IsDisabled)
        {
            log.StillDisabled(breaker.State);
            health.Set(health.Disabled());
        }
    }

    /// <summary>
    /// A governance decision written by another process since the last look, shown at once (also while the daemon
    /// waits for the next trading day): a reset is logged once and says when predictions resume.
    /// </summary>
    public void TakeInOutsideDecision()
    {
        if (breaker.ReloadIfChanged() is not { } previous)
        {
            return;
        }

        if (previous.Disabled && !breaker.IsDisabled)
        {
            log.Reset(breaker.State.ResetReason ?? "reset", previous.Reason ?? "unknown");
            health.Set(new FamilyHealth(FamilyState.Degraded, health.ErrorCount,
                $"governance reset at {breaker.State.ResetAt:O} ({breaker.State.ResetReason}); predictions resume with the next trading day") { ServingModels = 0 });
        }
        else if (breaker.IsDisabled)
        {
            health.Set(health.Disabled());
        }
    }

    /// <summary>Before a cycle: takes in an outside decision (a reset is logged once); the cycle then sets the health.</summary>
    public void TakeInBeforeCycle()
    {
        if (breaker.ReloadIfChanged() is { } previous && previous.Disabled && !breaker.IsDisabled)
        {
            log.Reset(breaker.State.ResetReason ?? "reset", previous.Reason ?? "unknown");
        }
    }

    /// <summary>Throws <see cref="GovernanceDisabledException"/> when the model is disabled.</summary>
    public void EnsureEnabled() => breaker.EnsureEnabled();

    /// <summary>Logs and counts a feature mismatch; true when it disabled the family.</summary>
    public bool Mismatch(ModelFeatureMismatchException ex)
    {
        log.Mismatch(ex, breaker.FailuresInWindow + 1);
        return Count(GovernanceLog.FeatureMismatch, ex.Expected.Count, ex.Provided.Count, ex.MissingFeatures);
    }

    /// <summary>Logs and counts a failed prediction; true when it disabled the family.</summary>
    public bool PredictionFailed(string symbol, string problem, int expected, int got)
    {
        log.Failure(symbol, problem, breaker.FailuresInWindow + 1);
        return Count(GovernanceLog.ModelError, expected, got, []);
    }

    /// <summary>The operator's read of the decision in force.</summary>
    public GovernanceStatus Read()
    {
        breaker.ReloadIfChanged();
        return Status(breaker.State);
    }

    /// <summary>The operator's reset, logged when it cleared a disable.</summary>
    public GovernanceStatus Reset(string reason)
    {
        breaker.ReloadIfChanged();
        var previous = breaker.State;
        if (breaker.Reset(reason))
        {
            log.Reset(reason, previous.Reason ?? "unknown");
        }

        return Status(breaker.State);
    }

    private bool Count(string reason, int expected, int got, IReadOnlyList<string> missing)
    {
        if (!breaker.RecordFailure(reason))
        {
            return false;
        }

        log.Disabled(reason, expected, got, missing, breaker.Options.MaxFailures, breaker.Options.Window);
        return true;
    }

    private static GovernanceStatus Status(GovernanceState state) =>
        new(state.Model, state.Disabled, state.Reason, state.DisabledAt, state.ModelErrors, state.ResetAt, state.ResetReason);
}
