using AlphaHost.Host.Configuration;
using AlphaHost.Host.Health;

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Daemon;

/// <summary>
/// Keeps <c>runtime/daemon.json</c> current: looks at the published status about once a cycle (at least every 50 ms, at
/// most every second) and replaces the file when anything in it changed. Registered first, so it stops last: its final
/// record (<c>stopped</c>, with the last cycle) is written after the cycle loop and the heartbeat have finished.
/// </summary>
internal sealed class DaemonFileService(
    DaemonIdentity identity,
    HostStatus status,
    ConfigStore config,
    TimeProvider clock,
    ILogger<DaemonFileService> logger) : BackgroundService
{
    private static readonly TimeSpan Fastest = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Slowest = TimeSpan.FromSeconds(1);
    private DaemonRecord? _written;
    private string? _writtenText;
    private bool _faultReported;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        Write(Current(now) with { Status = DaemonRunState.Stopped, StoppedAt = now }, durable: true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Update();
                var period = config.Current.Host.CycleInterval;
                await Task.Delay(period < Fastest ? Fastest : period > Slowest ? Slowest : period, clock, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes the final record.
        }
    }

    /// <summary>Replaces the file when the daemon's facts changed since the last write.</summary>
    internal void Update()
    {
        var record = Current(clock.GetUtcNow());
        var text = DaemonFile.Serialize(record with { UpdatedAt = default });
        if (text != _writtenText)
        {
            Write(record, durable: false);
            _writtenText = text;
        }
    }

    private DaemonRecord Current(DateTimeOffset now) => DaemonStatusMapping.Map(identity, DaemonStatus.Of(status, config.Current, clock), config, _written) with { UpdatedAt = now };

    private void Write(DaemonRecord record, bool durable)
    {
        try
        {
            DaemonFile.Write(identity.Paths.DaemonFile, record, durable);
            _written = record;
            _faultReported = false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (!_faultReported)
            {
                logger.LogError("{DaemonFile} could not be written ({Error}); operator commands cannot confirm changes until it can", identity.Paths.DaemonFile, ex.Message);
                _faultReported = true;
            }
        }
    }
}
