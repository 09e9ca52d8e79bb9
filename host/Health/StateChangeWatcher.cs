using AlphaHost.Host.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Health;

/// <summary>
/// Logs each change of the heartbeat's <c>state</c> or <c>ml_state</c> as its own host record, at the time it happens
/// rather than at the next heartbeat: <c>State changed: state=OK ml_state=DISABLED_CONFIG (was state=OK
/// ml_state=ENABLED|OK); reasons=none</c>, with <c>State</c>, <c>MlState</c>, <c>PreviousState</c>,
/// <c>PreviousMlState</c> and <c>Reasons</c> as properties. The dashboard draws its state lines from these records, so a
/// 13-second disable between two heartbeats is a 13-second dip. It looks on its own timer, as the alert watcher does
/// (about once a cycle: at least every 50 ms, at most every second, so a stalled loop is seen too), at the state the
/// heartbeat would print then (<see cref="DaemonStatus.Of"/>, the record the heartbeat line is rendered from). Its first look logs the state at start, with
/// <see cref="NoneYet"/> as the previous one.
/// </summary>
internal sealed class StateChangeWatcher(HostStatus status, ConfigStore config, TimeProvider clock, ILogger<StateChangeWatcher> logger) : BackgroundService
{
    /// <summary>How every such record's message starts.</summary>
    public const string MessageStart = "State changed:";

    /// <summary>The previous state named by the first record of a run.</summary>
    public const string NoneYet = "none";

    private (string State, string MlState) _last = (NoneYet, NoneYet);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => StatusLooks.RunAsync(Look, config, clock, stoppingToken);

    /// <summary>Logs one record when the state or ml_state differs from the last look's.</summary>
    internal void Look()
    {
        var line = DaemonStatus.Of(status, config.Current, clock);
        var now = (State: StateText.Of(line.State), MlState: StateText.Of(line.MlState));
        if (now == _last)
        {
            return;
        }

        logger.LogInformation(MessageStart + " state={State} ml_state={MlState} (was state={PreviousState} ml_state={PreviousMlState}); reasons={Reasons}",
            now.State, now.MlState, _last.State, _last.MlState, line.Reasons.Count == 0 ? "none" : string.Join(",", line.Reasons));
        _last = now;
    }
}
