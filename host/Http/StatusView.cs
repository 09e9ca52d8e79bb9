using AlphaHost.Host.Configuration;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Health;
using AlphaHost.Host.Logging;

namespace AlphaHost.Host.Http;

/// <summary>
/// <c>/api/status</c>: the heartbeat's fields, <c>daemon.json</c>'s record (state, reasons, each family's state and detail,
/// config path and version) and each family's full status (errors, serving models), from the one status the cycle loop
/// publishes.
/// </summary>
/// <param name="Daemon">What <c>daemon.json</c> says now.</param>
/// <param name="Heartbeat">The heartbeat line's fields.</param>
/// <param name="Families">Each family's status.</param>
/// <param name="Ready">The readiness verdict of <c>/health/ready</c>.</param>
internal sealed record StatusView(DaemonRecord Daemon, HeartbeatLine Heartbeat, IReadOnlyList<FamilyStatus> Families, Readiness Ready)
{
    public static StatusView Of(DaemonIdentity identity, HostStatus status, ConfigStore config, TimeProvider clock, LogFileHealth logs)
    {
        var heartbeat = HeartbeatService.Compose(status, config.Current, clock, logs.Faults);
        return new StatusView(DaemonStatusMapping.Map(identity, status, config, null, clock), heartbeat, status.Families, Readiness.Of(heartbeat));
    }
}

/// <summary>
/// <c>/health/ready</c>: ready while the daemon cycles or waits for data normally; not ready while it starts, is HALTED
/// (the loop stalled, the next trading day overdue, every family failed) — the reasons say which.
/// </summary>
/// <param name="Ready">Whether the daemon serves signals as it should.</param>
/// <param name="State">The heartbeat's state.</param>
/// <param name="Reasons">The heartbeat's reasons.</param>
internal sealed record Readiness(bool Ready, SystemState State, IReadOnlyList<string> Reasons)
{
    public static Readiness Of(HeartbeatLine heartbeat) =>
        new(heartbeat.State != SystemState.Halted, heartbeat.State, heartbeat.Reasons == "none" ? [] : heartbeat.Reasons.Split(','));
}
