namespace AlphaHost.Plugins.MlAlpha.Governance;

/// <summary>What survives a restart: whether governance disabled the model, when, why, and for which model and contract.</summary>
internal sealed record GovernanceState(
    bool Disabled,
    string Model,
    string ContractHash,
    DateTimeOffset? DisabledAt,
    string? Reason,
    long ModelErrors,
    DateTimeOffset? ResetAt = null,
    string? ResetReason = null)
{
    public static GovernanceState Enabled(string model, string contractHash) => new(false, model, contractHash, null, null, 0);
}
