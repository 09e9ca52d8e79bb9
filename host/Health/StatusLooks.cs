using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Health;

/// <summary>
/// The pace of the watchers that look at the published status on their own timer (alerts, state-change records):
/// about once a cycle, at least every 50 ms and at most every second, so a stalled loop is seen too.
/// </summary>
internal static class StatusLooks
{
    private static readonly TimeSpan Fastest = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Slowest = TimeSpan.FromSeconds(1);

    /// <summary>Calls <paramref name="look"/> at that pace until <paramref name="stoppingToken"/> is cancelled.</summary>
    public static async Task RunAsync(Action look, ConfigStore config, TimeProvider clock, CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                look();
                var period = config.Current.Host.CycleInterval;
                await Task.Delay(period < Fastest ? Fastest : period > Slowest ? Slowest : period, clock, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the final heartbeat records the state at the end.
        }
    }
}
