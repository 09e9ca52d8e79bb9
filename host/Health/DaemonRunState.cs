namespace AlphaHost.Host.Health;

/// <summary>Where the daemon is in its run, as <c>daemon.json</c>'s <c>status</c> says it.</summary>
internal enum DaemonRunState
{
    /// <summary>The runtime lock is taken; no pass of the cycle loop yet.</summary>
    Starting,

    /// <summary>The cycle loop runs.</summary>
    Running,

    /// <summary>Stopped cleanly (a daemon killed with <c>kill -9</c> stays <see cref="Running"/> in its last record).</summary>
    Stopped,
}
