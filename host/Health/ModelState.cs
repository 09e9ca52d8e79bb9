namespace AlphaHost.Host.Health;

/// <summary>The heartbeat's <c>ml_state=</c>: the model family's state; <see cref="StateRules.Model"/> decides it.</summary>
internal enum ModelState
{
    /// <summary>No model family is installed.</summary>
    Absent,

    /// <summary>Enabled and serving normally.</summary>
    EnabledOk,

    /// <summary>Enabled with a problem; the heartbeat names it in the family's detail field.</summary>
    EnabledDegraded,

    /// <summary>Turned off by the config.</summary>
    DisabledConfig,

    /// <summary>Turned off by its governance until an operator resets it.</summary>
    DisabledGovernance,
}
