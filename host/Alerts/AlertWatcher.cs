using AlphaHost.Host.Configuration;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Health;
using Microsoft.Extensions.Hosting;

namespace AlphaHost.Host.Alerts;

/// <summary>
/// Looks at the published status on its own timer (about once a cycle: at least every 50 ms, at most every second, so
/// a stalled loop is seen too) and hands each alert that turns on or off to the <see cref="AlertDispatcher"/> once.
/// Conditions that hold at start (a governance decision that survived a restart) fire once then.
/// </summary>
internal sealed class AlertWatcher(HostStatus status, ConfigStore config, TimeProvider clock, DaemonIdentity identity, AlertDispatcher dispatcher) : BackgroundService
{
    private Dictionary<string, (string Alert, string? Family, string Summary, string? Detail)> _active = new(StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => StatusLooks.RunAsync(Evaluate, config, clock, stoppingToken);

    /// <summary>Compares the conditions now with the last look and hands over one event per change.</summary>
    internal void Evaluate()
    {
        var record = DaemonStatus.Of(status, config.Current, clock);
        var now = AlertRules.Active(record);
        foreach (var (key, alert) in now.Where(a => !_active.ContainsKey(a.Key)))
        {
            dispatcher.Enqueue(Event(alert, AlertEvent.Firing, record));
        }

        foreach (var (key, alert) in _active.Where(a => !now.ContainsKey(a.Key)))
        {
            dispatcher.Enqueue(Event(alert with { Summary = alert.Summary + ": resolved" }, AlertEvent.Resolved, record));
        }

        _active = now;
    }

    private AlertEvent Event((string Alert, string? Family, string Summary, string? Detail) alert, string status, DaemonStatus record) =>
        new(alert.Alert, status, alert.Family, alert.Summary, clock.GetUtcNow(), StateText.Of(record.State), StateText.Of(record.MlState), record.Reasons, alert.Detail,
            identity.Pid, identity.Config);
}
