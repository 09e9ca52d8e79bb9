namespace AlphaHost.Host.Configuration;

/// <summary>The <c>host:</c> section.</summary>
internal sealed record HostOptions
{
    /// <summary>Pause between cycles; each cycle advances the replay clock one trading day.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan CycleInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the heartbeat line is written.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time budget of one family's computation in one cycle, unless its section sets <c>timeout</c>.</summary>
    /// <value>The default value is 500 milliseconds.</value>
    public TimeSpan FamilyTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Time budget of a family's initialization.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan InitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Consecutive failed cycles after which a family is quarantined.</summary>
    /// <value>The default value is 5.</value>
    public int QuarantineAfter { get; init; } = 5;

    /// <summary>First wait before a quarantined family is tried again; doubles on each failed retry, up to 30 minutes.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan QuarantineBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a family must run clean after a quarantine before its back-off starts over at <see cref="QuarantineBackoff"/>;
    /// a family quarantined again sooner is in a crash loop and its back-off keeps doubling, whatever good cycles lay between.
    /// </summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan CrashLoopWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Cycles in a row a family may report OK with no signal at all before the host calls it DEGRADED <c>no_signals</c> (0: never).</summary>
    /// <value>The default value is 10.</value>
    public int NoSignalCycles { get; init; } = 10;

    /// <summary>How long a stop (SIGTERM) may take to finish the current cycle and flush.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The folder operators drop plugin folders into, relative to the config file's folder unless absolute; empty means <c>plugins/</c> beside the executable.</summary>
    /// <value>The default value is empty.</value>
    public string PluginsDir { get; init; } = "";

    /// <summary>Where logs, signals and state go, relative to the config file's folder unless absolute.</summary>
    /// <value>The default value is <c>runtime</c>.</value>
    public string RuntimeDir { get; init; } = "runtime";

    /// <summary>Where families run unless their section says otherwise (<c>families.&lt;name&gt;.isolation</c>).</summary>
    /// <value>The default value is <see cref="FamilyIsolation.Process"/>.</value>
    public FamilyIsolation FamilyIsolation { get; init; } = FamilyIsolation.Process;

    /// <summary>Days of signal journal files kept besides today's; older ones are removed (0 keeps them all).</summary>
    /// <value>The default value is 30.</value>
    public int SignalsRetentionDays { get; init; } = 30;

    /// <summary>Megabytes the journal files of earlier days may take; the oldest are removed beyond it (0: no cap). Today's file is never cut.</summary>
    /// <value>The default value is 10240 (10 GiB).</value>
    public int SignalsMaxMb { get; init; } = 10240;

    /// <summary>The two journal limits together.</summary>
    public SignalJournalLimits SignalJournal => new(SignalsRetentionDays, SignalsMaxMb);

    /// <summary>Share of the universe that may be stale (no bar today) before the state turns DEGRADED.</summary>
    /// <value>The default value is 0.1.</value>
    public double MaxStaleFraction { get; init; } = 0.1;

    /// <summary>The bounds on a worker's console output (<c>host.worker_output</c>); read when a worker starts.</summary>
    public WorkerOutputOptions WorkerOutput { get; init; } = new();
    /// <summary>Log events one family may write per second on average (10 seconds' worth saved for a burst); beyond it they are dropped and counted, the family <c>DEGRADED</c> (<c>log_flood</c>).</summary>
    /// <value>The default value is 200.</value>
    public int PluginLogEventsPerSecond { get; init; } = 200;

    /// <summary>Bytes of log events one family may write per cycle on average (rendered message, properties, exception; 16 cycles' worth saved for a burst); beyond it they are dropped and counted, the family <c>DEGRADED</c> (<c>log_flood</c>).</summary>
    /// <value>The default value is 65536 (64 KiB).</value>
    public int PluginLogBytesPerCycle { get; init; } = 65_536;

    /// <summary>The two log limits of each family together.</summary>
    public Logging.PluginLogBudget PluginLog => new(PluginLogEventsPerSecond, PluginLogBytesPerCycle);

    /// <summary>The HTTP endpoint (<c>host.http</c>); read at start, a change takes effect at the next start.</summary>
    public HttpOptions Http { get; init; } = new();
}
