namespace AlphaHost.Abstractions;

/// <summary>
/// A capability of a family with a governance breaker: <c>alphahost ml status</c> reads it and
/// <c>alphahost ml reset-governance</c> clears it. The decision lives in the family's state folder, so a running daemon
/// sees a reset made by another process at its next cycle.
/// </summary>
public interface IOperatorControls
{
    /// <summary>The governance decision as persisted.</summary>
    GovernanceStatus ReadGovernance();

    /// <summary>Clears a governance disable; the reason is recorded and logged.</summary>
    /// <param name="reason">Why the operator re-enables the model (required).</param>
    /// <returns>The status after the reset.</returns>
    GovernanceStatus ResetGovernance(string reason);
}

/// <summary>A governance decision.</summary>
/// <param name="Model">The model it is about (e.g. <c>ml_v1</c>).</param>
/// <param name="Disabled">Whether governance has disabled the model.</param>
/// <param name="Reason">Why, when disabled.</param>
/// <param name="DisabledAt">Since when, when disabled.</param>
/// <param name="ModelErrors">Model errors counted (persisted with the decision).</param>
/// <param name="ResetAt">When an operator last reset it.</param>
/// <param name="ResetReason">The reason given then.</param>
public sealed record GovernanceStatus(string Model, bool Disabled, string? Reason, DateTimeOffset? DisabledAt, long ModelErrors,
    DateTimeOffset? ResetAt, string? ResetReason);
