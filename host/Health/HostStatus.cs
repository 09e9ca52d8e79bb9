using AlphaHost.Host.Http;
using AlphaHost.Host.Logging;

namespace AlphaHost.Host.Health;

/// <summary>
/// The daemon's live status: written by the cycle loop at the end of every pass (a processed trading day or an idle
/// poll), read through <see cref="DaemonStatus.Of"/> by every rendering (heartbeat, daemon.json, /api/status, metrics,
/// alerts) on its own timer.
/// </summary>
/// <param name="clock">The daemon's clock.</param>
/// <param name="logs">The log files' health: files that cannot be written are part of the status every rendering shows.</param>
internal sealed class HostStatus(TimeProvider clock, LogFileHealth? logs = null)
{
    private const int LatencyWindow = 1024;
    private readonly double[] _latencies = new double[LatencyWindow];
    private readonly Lock _lock = new();
    private long _latencyCount;
    private CycleReport? _last;
    private DataState? _data;
    private DateTimeOffset? _lastPass;
    private DateOnly? _dataDate;
    private string? _configError;
    private IReadOnlyList<FamilyStatus>? _families;
    private HttpListenState _http = HttpListenState.Disabled;
    private bool _fdExhausted;

    public DateTimeOffset StartedAt { get; } = clock.GetUtcNow();

    /// <summary>Log files that cannot be written now.</summary>
    public IReadOnlyList<LogFileFault> LogFaults => logs?.Faults ?? [];

    /// <summary>The HTTP endpoint's state, set by the endpoint as it starts.</summary>
    public HttpListenState HttpEndpoint
    {
        get => Volatile.Read(ref _http);
        set => Volatile.Write(ref _http, value);
    }

    /// <summary>
    /// Whether the cycle loop's last pass failed for want of a file descriptor (EMFILE/ENFILE); the loop retries at the
    /// next pass, and the heartbeat says <c>fd_exhausted</c> meanwhile.
    /// </summary>
    public bool FdExhausted => Volatile.Read(ref _fdExhausted);

    /// <summary>A pass cut short for want of a file descriptor: still a completed pass (no stall), but DEGRADED.</summary>
    public void DescriptorsExhausted()
    {
        lock (_lock)
        {
            _lastPass = clock.GetUtcNow();
        }

        Volatile.Write(ref _fdExhausted, true);
    }

    /// <summary>A pass that ran to its end after <see cref="DescriptorsExhausted"/>.</summary>
    public void DescriptorsAvailable() => Volatile.Write(ref _fdExhausted, false);

    /// <summary>Trading days processed since start (idle polls do not count).</summary>
    public long Cycles { get; private set; }

    /// <summary>
    /// The loaded families as the plugin catalog found them at start, before any cycle ran: the heartbeat reports their
    /// state (e.g. a persisted <c>DISABLED_GOVERNANCE</c>) instead of claiming no model family is installed.
    /// </summary>
    public IReadOnlyList<FamilyStatus> LoadedFamilies { get; set; } = [];

    /// <summary>Raised once, on the cycle loop, when the families have started (or their start budget ran out), before the first cycle.</summary>
    public event Action? FamiliesStarted;

    /// <summary>
    /// The families' states once their starts are over: published, and announced at once (the heartbeat beats on it), so
    /// the first word on a family that cannot trade (a persisted governance trip) comes before the first cycle, not a
    /// heartbeat interval later.
    /// </summary>
    public void StartedFamilies(IReadOnlyList<FamilyStatus> families)
    {
        LoadedFamilies = families;
        FamiliesStarted?.Invoke();
    }

    /// <summary>The last cycle that processed a trading day; idle polls leave it in place, so families keep their states.</summary>
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

    /// <summary>What the rules need, taken under one lock so that the parts agree.</summary>
    public (StateInputs Inputs, DateTimeOffset? LastPass, DateOnly? DataDate) Read()
    {
        lock (_lock)
        {
            return (new StateInputs(_last, _families ?? LoadedFamilies, _data, ConfigRejected: _configError is not null), _lastPass, _dataDate);
        }
    }

    /// <summary>A pass that processed a trading day.</summary>
    public void Publish(CycleReport report, TimeSpan elapsed)
    {
        lock (_lock)
        {
            _last = report;
            Cycles = report.Cycle;
            _latencies[_latencyCount++ % LatencyWindow] = elapsed.TotalMilliseconds;
            (_data, _dataDate, _configError, _lastPass, _families) = (DataState.Replaying, report.MarketDate, report.ConfigError, clock.GetUtcNow(), report.Families);
        }
    }

    /// <summary>A pass that found no new trading day after <paramref name="date"/>; <paramref name="families"/> are the last states with config changes applied.</summary>
    public void Idle(DataState data, DateOnly? date, string? configError, IReadOnlyList<FamilyStatus>? families = null)
    {
        lock (_lock)
        {
            (_data, _dataDate, _configError, _lastPass) = (data, date, configError, clock.GetUtcNow());
            _families = families ?? _families;
        }
    }

    /// <summary>The error of the config file the daemon refused at its last pass; null when none is refused.</summary>
    public string? ConfigError
    {
        get
        {
            lock (_lock)
            {
                return _configError;
            }
        }
    }

    /// <summary>The families' states the heartbeat shows now.</summary>
    public IReadOnlyList<FamilyStatus> Families
    {
        get
        {
            lock (_lock)
            {
                return _families ?? LoadedFamilies;
            }
        }
    }

    /// <summary>p50 and p99 of the last 1,024 cycle times in milliseconds (compute and write, without the sleep).</summary>
    public (double P50, double P99) Latency() => Latency(LatencyWindow);

    /// <summary>p50 and p99 of the last <paramref name="cycles"/> cycle times (at most 1,024) in milliseconds.</summary>
    public (double P50, double P99) Latency(int cycles)
    {
        double[] window;
        lock (_lock)
        {
            var count = (int)Math.Min(Math.Min(_latencyCount, LatencyWindow), cycles);
            window = [.. Enumerable.Range(1, count).Select(back => _latencies[(_latencyCount - back) % LatencyWindow])];
        }

        if (window.Length == 0)
        {
            return (0, 0);
        }

        Array.Sort(window);
        return (window[(int)(0.50 * (window.Length - 1))], window[(int)Math.Ceiling(0.99 * (window.Length - 1))]);
    }
}
