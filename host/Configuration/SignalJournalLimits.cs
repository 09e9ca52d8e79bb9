namespace AlphaHost.Host.Configuration;

/// <summary>How much of the signal journal is kept: <c>host.signals_retention_days</c> and <c>host.signals_max_mb</c> (0: no limit).</summary>
internal readonly record struct SignalJournalLimits(int RetentionDays, int MaxMb)
{
    public long MaxBytes => MaxMb * 1024L * 1024L;
}
