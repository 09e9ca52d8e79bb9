namespace AlphaHost.Host.Health;

/// <summary>The daemon's live status: written by the cycle loop, read by the heartbeat.</summary>
internal sealed class HostStatus(TimeProvider clock)
{
    private const int LatencyWindow = 1024;
    private readonly double[] _latencies = new double[LatencyWindow];
    private readonly Lock _lock = new();
    private long _latencyCount;
    private CycleReport? _last;

    public DateTimeOffset StartedAt { get; } = clock.GetUtcNow();

    public long Cycles { get; private set; }

    /// <summary>
    /// The loaded families as the plugin catalog found them at start, before any cycle ran: the heartbeat reports their
    /// state (e.g. a persisted <c>DISABLED_GOVERNANCE</c>) instead of claiming no model family is installed.
    /// </summary>
    public IReadOnlyList<FamilyStatus> LoadedFamilies { get; set; } = [];

    public CycleReport? Last
    {
        get
        {
            lock (_lock)
            {
                return _last;
            }
        }
    }

    public void Publish(CycleReport report, TimeSpan elapsed)
    {
        lock (_lock)
        {
            _last = report;
            Cycles = report.Cycle;
            _latencies[_latencyCount++ % LatencyWindow] = elapsed.TotalMilliseconds;
        }
    }

    /// <summary>p50 and p99 of the last 1,024 cycle times in milliseconds (compute and write, without the sleep).</summary>
    public (double P50, double P99) Latency()
    {
        double[] window;
        lock (_lock)
        {
            window = _latencies[..(int)Math.Min(_latencyCount, LatencyWindow)];
        }

        if (window.Length == 0)
        {
            return (0, 0);
        }

        Array.Sort(window);
        return (window[(int)(0.50 * (window.Length - 1))], window[(int)Math.Ceiling(0.99 * (window.Length - 1))]);
    }
}
