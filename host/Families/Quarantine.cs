namespace AlphaHost.Host.Families;

/// <summary>
/// The one owner of a family's failure count and quarantine: after <c>host.quarantine_after</c> consecutive failures
/// (or at once for a fatal one) the family is out until a back-off that starts at <c>host.quarantine_backoff</c> and
/// doubles per failed retry, at most 30 minutes. A success clears the failure count and the quarantine, but not the
/// doubling: a family quarantined again within <c>host.crash_loop_window</c> of its last release is in a crash loop
/// (good cycles between crashes do not make it healthy), and only a clean run longer than the window starts the
/// back-off over.
/// </summary>
internal sealed class Quarantine(TimeProvider clock)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(30);

    public int ConsecutiveFailures { get; private set; }

    /// <summary>How many times in a row the family has been quarantined (the back-off's exponent).</summary>
    public int Count { get; private set; }

    public DateTimeOffset? Until { get; private set; }

    /// <summary>When the last quarantine ended (the family was due back), kept after a success to tell a crash loop.</summary>
    private DateTimeOffset? _released;

    /// <summary>Quarantined and not yet due for a retry.</summary>
    public bool IsActive => Until is { } until && until > clock.GetUtcNow();

    /// <summary>Whether the family was failing or quarantined before this success (it recovered).</summary>
    public bool Succeeded()
    {
        var recovered = ConsecutiveFailures > 0 || Until is not null;
        ConsecutiveFailures = 0;
        _released = Until ?? _released;
        Until = null;
        return recovered;
    }

    /// <summary>Counts a failure; returns the back-off when it puts the family into quarantine, else null.</summary>
    /// <param name="quarantineAfter">Consecutive failures that quarantine.</param>
    /// <param name="backoff">The first back-off.</param>
    /// <param name="crashLoopWindow">A quarantine this soon after the last one ended keeps doubling the back-off.</param>
    /// <param name="now">Quarantine at once (a fatal failure: out of memory, a dead worker, a failed start).</param>
    public TimeSpan? Failed(int quarantineAfter, TimeSpan backoff, TimeSpan crashLoopWindow, bool now = false)
    {
        ConsecutiveFailures++;
        if (!now && ConsecutiveFailures < quarantineAfter)
        {
            return null;
        }

        var at = clock.GetUtcNow();
        if (Until is null && _released is { } released && at - released > crashLoopWindow)
        {
            Count = 0;
        }

        Count++;
        var factor = Math.Pow(2, Math.Min(Count - 1, 20));
        var wait = TimeSpan.FromTicks((long)Math.Min(backoff.Ticks * factor, MaxBackoff.Ticks));
        Until = at + wait;
        return wait;
    }
}
