namespace AlphaHost.Abstractions;

/// <summary>A family's state as the heartbeat reports it.</summary>
public enum FamilyState
{
    /// <summary>Producing signals normally.</summary>
    Ok,

    /// <summary>Producing signals, but with a problem worth looking at (some symbols missing, drift, a failed cycle).</summary>
    Degraded,

    /// <summary>Turned off by configuration; never called, contributes 0.0.</summary>
    DisabledConfig,

    /// <summary>Turned off by its own governance after repeated failures; contributes 0.0 until an operator resets it.</summary>
    DisabledGovernance,

    /// <summary>Taken out of the cycle by the host after consecutive failures; retried on a back-off schedule.</summary>
    Quarantined,
}
