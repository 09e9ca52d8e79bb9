using AlphaHost.Host.Configuration;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Health;

namespace AlphaHost.Host.Http;

/// <summary>
/// <c>/api/status</c>: the heartbeat's fields, <c>daemon.json</c>'s record (state, reasons, each family's state and detail,
/// config path and version) and each family's full status (errors, serving models), all rendered from one status record.
/// </summary>
/// <param name="Daemon">What <c>daemon.json</c> says now.</param>
/// <param name="Heartbeat">The heartbeat line's fields.</param>
/// <param name="Families">Each family's status.</param>
/// <param name="Ready">The readiness verdict of <c>/health/ready</c>.</param>
internal sealed record StatusView(DaemonRecord Daemon, HeartbeatLine Heartbeat, IReadOnlyList<FamilyStatus> Families, Readiness Ready)
{
    /// <summary>The combiner's mode and the weights of the last cycle.</summary>
    public Combining.CombinerView? Combiner { get; init; }

    public static StatusView Of(DaemonIdentity identity, DaemonStatus status, ConfigStore config) =>
        new(DaemonStatusMapping.Map(identity, status, config, null), HeartbeatLine.Of(status), status.Families, Readiness.Of(status)) { Combiner = status.Combiner };
}

/// <summary>
/// <c>/health/ready</c>: ready while the daemon cycles or waits for data normally; not ready while it starts, is HALTED
/// (the loop stalled, the next trading day overdue, every family failed) — the reasons say which.
/// </summary>
/// <param name="Ready">Whether the daemon serves signals as it should.</param>
/// <param name="State">The status record's state.</param>
/// <param name="Reasons">The status record's reasons.</param>
internal sealed record Readiness(bool Ready, SystemState State, IReadOnlyList<string> Reasons)
{
    public static Readiness Of(DaemonStatus status) => new(status.State != SystemState.Halted, status.State, status.Reasons);
}
