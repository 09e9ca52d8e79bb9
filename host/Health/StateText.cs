using AlphaHost.Abstractions;
using AlphaHost.Host.Http;

namespace AlphaHost.Host.Health;

/// <summary>
/// The one place states become text: the heartbeat, the logs, the metrics' labels, <c>daemon.json</c> and
/// <c>/api/status</c> (through <see cref="StateJson"/>) print these spellings, and scripts match them.
/// </summary>
internal static class StateText
{
    public static string Of(SystemState state) => state switch
    {
        SystemState.Ok => "OK",
        SystemState.Degraded => "DEGRADED",
        _ => "HALTED",
    };

    public static string Of(FamilyState state) => state switch
    {
        FamilyState.Ok => "OK",
        FamilyState.DisabledConfig => "DISABLED_CONFIG",
        FamilyState.DisabledGovernance => "DISABLED_GOVERNANCE",
        FamilyState.Quarantined => "QUARANTINED",
        _ => "DEGRADED",
    };

    public static string Of(ModelState state) => state switch
    {
        ModelState.EnabledOk => "ENABLED|OK",
        ModelState.EnabledDegraded => "ENABLED|DEGRADED",
        ModelState.DisabledConfig => "DISABLED_CONFIG",
        ModelState.DisabledGovernance => "DISABLED_GOVERNANCE",
        _ => "ABSENT",
    };

    public static string Of(DataState state) => state switch
    {
        DataState.Replaying => "REPLAYING",
        DataState.Waiting => "WAITING",
        _ => "OVERDUE",
    };

    public static string Of(DaemonRunState state) => state switch
    {
        DaemonRunState.Starting => "starting",
        DaemonRunState.Running => "running",
        _ => "stopped",
    };

    public static string Of(FamilyMode mode) => mode == FamilyMode.Shadow ? "shadow" : "live";

    public static string Of(HttpState state) => state switch
    {
        HttpState.Disabled => "disabled",
        HttpState.Starting => "starting",
        HttpState.Listening => "listening",
        _ => "failed",
    };
}
