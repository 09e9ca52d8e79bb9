namespace AlphaHost.Host.Health;

/// <summary>The daemon's state as the heartbeat's <c>state=</c> shows it; <see cref="StateRules"/> decides it.</summary>
internal enum SystemState
{
    /// <summary>Signals are written and nothing needs looking at.</summary>
    Ok,

    /// <summary>Signals are written, with a problem worth looking at (a family not OK, stale symbols, a rejected config edit).</summary>
    Degraded,

    /// <summary>No signals are being written: starting, the next trading day is overdue, the loop stalled, or every family failed.</summary>
    Halted,
}
