using AlphaHost.Abstractions;
using AlphaHost.Host.Families;

namespace AlphaHost.Host.Cycle;

/// <summary>How a family's turn in a cycle went.</summary>
internal enum OutcomeKind
{
    Ok,
    DisabledConfig,
    Quarantined,
    Failed,
    TimedOut,
    StillRunning,

    /// <summary>Its endpoint is starting (or waiting to retry a failed start): not called, contributes 0.0.</summary>
    Starting,
}

/// <summary>One family's result in one cycle: its sanitized signals (empty unless Ok) and its state for the heartbeat.</summary>
internal sealed record FamilyOutcome(
    FamilySlot Handle,
    OutcomeKind Kind,
    IReadOnlyDictionary<string, double> Signals,
    double Weight,
    FamilyHealth Health,
    string? Error = null)
{
    public string Name => Handle.Name;

    public bool IsFailure => Kind is OutcomeKind.Failed or OutcomeKind.TimedOut or OutcomeKind.StillRunning;

    public bool IsEnabled => Kind != OutcomeKind.DisabledConfig;

    /// <summary>
    /// Why it is in its state: the host's failure reason, "disabled by configuration" for a family the config turns off
    /// (its own last health may be from before, or the "starting" of a family that never started), else the family's own detail.
    /// </summary>
    public string? Detail => Error ?? (IsEnabled ? Health.Detail : DisabledBy ?? DisabledDetail);

    /// <summary>The detail of a family the config turns off.</summary>
    public const string DisabledDetail = "disabled by configuration";

    /// <summary>Why a family that is off is off, when not by the config file: the operator override (<see cref="DisabledDetailIn"/>).</summary>
    public string? DisabledBy { get; init; }

    /// <summary>The detail of a family that is off: by the operator override (naming it) or by the configuration.</summary>
    public static string DisabledDetailIn(Configuration.AlphaHostConfig config, string name) =>
        config.Override is { } held && held.Disabled.Contains(name, StringComparer.Ordinal)
            ? $"disabled by the operator override ({Configuration.OperatorOverride.FileName}, {held.By}: {held.Reason}); clear with alphahost ml enable"
            : DisabledDetail;

    /// <summary>The family's state after this turn: the host's verdict when it overrides the family's own.</summary>
    public FamilyState State => Kind switch
    {
        OutcomeKind.DisabledConfig => FamilyState.DisabledConfig,
        OutcomeKind.Quarantined => FamilyState.Quarantined,
        OutcomeKind.Failed or OutcomeKind.TimedOut or OutcomeKind.StillRunning or OutcomeKind.Starting => FamilyState.Degraded,
        _ => Health.State,
    };
}
