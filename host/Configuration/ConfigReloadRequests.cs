namespace AlphaHost.Host.Configuration;

/// <summary>
/// Asks the cycle loop to re-read the configuration now instead of at its next cycle (SIGHUP). Requests made before the
/// loop takes one count once: the re-read reads the newest file.
/// </summary>
internal sealed class ConfigReloadRequests : IDisposable
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Request()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // A re-read is already pending.
        }
    }

    /// <summary>Waits <paramref name="delay"/> on <paramref name="clock"/>; true when a re-read was asked for first (the wait is cut short).</summary>
    public async Task<bool> WaitAsync(TimeSpan delay, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var requested = _pending.WaitAsync(Timeout.Infinite, wait.Token);
        var elapsed = Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, clock, wait.Token);
        await Task.WhenAny(requested, elapsed).ConfigureAwait(false);
        await wait.CancelAsync().ConfigureAwait(false);
        try
        {
            // A request taken just as the delay ended still counts: it is not lost.
            return await requested.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }

    public void Dispose() => _pending.Dispose();
}
