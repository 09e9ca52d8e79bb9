namespace AlphaHost.Host.Internal;

/// <summary>
/// Runs plugin code on the thread pool under a time budget. When the budget runs out the call is cancelled and
/// abandoned, never waited for: a hung plugin costs a thread, not the cycle.
/// </summary>
internal static class TimeBudget
{
    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> action, TimeSpan budget, TimeProvider clock, CancellationToken cancellationToken)
    {
        var task = Start(action, cancellationToken, out var cts);
        try
        {
            return await task.WaitAsync(budget, clock, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await cts.CancelAsync().ConfigureAwait(false);
            throw new TimeoutException($"did not finish within {budget.TotalMilliseconds:0} ms");
        }
        finally
        {
            if (task.IsCompleted)
            {
                cts.Dispose();
            }
        }
    }

    public static Task RunAsync(Func<CancellationToken, Task> action, TimeSpan budget, TimeProvider clock, CancellationToken cancellationToken) =>
        RunAsync<bool>(async ct => { await action(ct).ConfigureAwait(false); return true; }, budget, clock, cancellationToken);

    /// <summary>Starts the call and returns its task without waiting; exceptions of an abandoned call are observed.</summary>
    public static Task<T> Start<T>(Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken, out CancellationTokenSource cts)
    {
        cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = cts.Token;
        var task = Task.Run(() => action(token), CancellationToken.None);
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return task;
    }
}
