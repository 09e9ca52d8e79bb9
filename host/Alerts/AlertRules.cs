using AlphaHost.Abstractions;
using AlphaHost.Host.Health;

namespace AlphaHost.Host.Alerts;

/// <summary>
/// Which alert conditions hold, from the status record (<see cref="DaemonStatus"/>) the heartbeat renders too: the same rules the heartbeat and
/// <c>deploy/prometheus/alerts.yml</c> state. HALTED while the daemon only starts is not an alert.
/// </summary>
internal static class AlertRules
{
    /// <summary>The conditions that hold now, by key, each with its family, summary and detail.</summary>
    public static Dictionary<string, (string Alert, string? Family, string Summary, string? Detail)> Active(DaemonStatus status)
    {
        var reasons = status.Reasons;
        var active = new Dictionary<string, (string, string?, string, string?)>(StringComparer.Ordinal);
        void Add(string alert, string? family, string summary, string? detail = null) => active[family is null ? alert : $"{alert}:{family}"] = (alert, family, summary, detail);

        foreach (var family in status.Families.Where(f => f.Enabled))
        {
            if (family.State == FamilyState.DisabledGovernance)
            {
                Add("governance_disabled", family.Name, $"{family.Name} is disabled by its governance", family.Detail);
            }
            else if (family.State == FamilyState.Quarantined)
            {
                Add("family_quarantined", family.Name, $"{family.Name} is quarantined", family.Detail);
            }
        }

        if (status.State == SystemState.Halted && reasons.Any(r => r != "starting"))
        {
            Add("halted", null, $"the daemon is HALTED: {string.Join(", ", reasons)}");
        }

        if (reasons.Contains("cycle_stalled"))
        {
            Add("loop_stalled", null, "the cycle loop has stopped completing passes");
        }

        if (reasons.Contains("data_overdue"))
        {
            Add("data_overdue", null, "the next trading day is overdue");
        }

        return active;
    }
}
