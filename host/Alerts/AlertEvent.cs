namespace AlphaHost.Host.Alerts;

/// <summary>
/// One alert turning on (<c>firing</c>) or off (<c>resolved</c>), as the command hook reads it on stdin and the webhook
/// receives it (snake_case JSON).
/// </summary>
/// <param name="Alert"><c>governance_disabled</c>, <c>halted</c>, <c>loop_stalled</c>, <c>data_overdue</c> or <c>family_quarantined</c>.</param>
/// <param name="Status"><c>firing</c> or <c>resolved</c>.</param>
/// <param name="Family">The family it is about, for the per-family alerts.</param>
/// <param name="Summary">One line for a person.</param>
/// <param name="Ts">When the daemon saw the change.</param>
/// <param name="State">The heartbeat's state then.</param>
/// <param name="MlState">The heartbeat's <c>ml_state</c> then.</param>
/// <param name="Reasons">The heartbeat's reasons then.</param>
/// <param name="Detail">The family's detail (why it is disabled or quarantined), when there is one.</param>
/// <param name="Pid">The daemon's process id.</param>
/// <param name="Config">The config file the daemon serves.</param>
internal sealed record AlertEvent(string Alert, string Status, string? Family, string Summary, DateTimeOffset Ts, string State, string MlState,
    IReadOnlyList<string> Reasons, string? Detail, int Pid, string Config)
{
    public const string Firing = "firing";
    public const string Resolved = "resolved";

    /// <summary>What identifies the condition: an alert, and the family for the per-family ones.</summary>
    public string Key => Family is null ? Alert : $"{Alert}:{Family}";
}
