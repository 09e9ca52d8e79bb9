namespace AlphaHost.Host.Logging;

/// <summary>
/// How much one family may log, on average: <see cref="EventsPerSecond"/> events a second and <see cref="BytesPerCycle"/>
/// bytes a cycle. Unused allowance is saved up to <see cref="BurstSeconds"/> seconds' and <see cref="BurstCycles"/> cycles'
/// worth, so that a legitimate burst (a model family logging one line per symbol as it loads 500 models) passes while a
/// family that logs like that every cycle is held to the average. Beyond it events are dropped and counted.
/// </summary>
internal sealed record PluginLogBudget(int EventsPerSecond, int BytesPerCycle)
{
    public const int BurstSeconds = 10;

    public const int BurstCycles = 16;

    public double MaxEvents => (double)EventsPerSecond * BurstSeconds;

    public long MaxBytes => (long)BytesPerCycle * BurstCycles;
}
