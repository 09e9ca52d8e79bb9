namespace AlphaHost.Host.Families;

/// <summary>
/// The one owner of a family's failure count and quarantine: after <c>host.quarantine_after</c> consecutive failures
/// (or at once for a fatal one) the family is out until a back-off that starts at <c>host.quarantine_backoff</c> and
/// doubles per failed retry, at most 30 minutes. A success clears everything.
/// </summary>
internal sealed class Quarantine(TimeProvider clock)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(30);

    public int ConsecutiveFailures { get; private set; }

    /// <summary>How many times in a row the family has been quarantined (the back-off's exponent).</summary>
    public int Count { get; private set; }

    public DateTimeOffset? Until { get; private set; }

    /// <summary>Quarantined and not yet due for a retry.</summary>
    public bool IsActive => Until is { } until && until > clock.GetUtcNow();

    /// <summary>Whether the family was failing or quarantined before this success (it recovered).</summary>
    public bool Succeeded()
    {
        var recovered = ConsecutiveFailures > 0 || Until is not null;
        ConsecutiveFailures = 0;
        Count = 0;
        Until = null;
        return recovered;
    }

    /// <summary>Counts a failure; returns the back-off when it puts the family into quarantine, else null.</summary>
    /// <param name="quarantineAfter">Consecutive failures that quarantine.</param>
    /// <param name="backoff">The first back-off.</param>
    /// <param name="now">Quarantine at once (a fatal failure: out of memory, a dead worker, a failed start).</param>
    public TimeSpan? Failed(int quarantineAfter, TimeSpan backoff, bool now = false)
    {
        ConsecutiveFailures++;
        if (!now && ConsecutiveFailures < quarantineAfter)
        {
            return null;
        }

        Count++;
        var factor = Math.Pow(2, Math.Min(Count - 1, 20));
        var wait = TimeSpan.FromTicks((long)Math.Min(backoff.Ticks * factor, MaxBackoff.Ticks));
        Until = clock.GetUtcNow() + wait;
        return wait;
    }
}
