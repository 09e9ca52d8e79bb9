using System.Diagnostics.Metrics;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Families;
using AlphaHost.Host.Health;
using AlphaHost.Host.Http;
using AlphaHost.Host.Logging;
using AlphaHost.Host.Market.Calendars;

namespace AlphaHost.Host.Observability;

/// <summary>
/// The daemon's instruments on the Meter <c>AlphaHost</c>, named as Prometheus shows them (docs/operations.md, "HTTP endpoint and metrics"). States and
/// gauges are read from the published status when a scrape asks (nothing per cycle); counters and the cycle histogram are
/// recorded by the cycle loop through <see cref="Cycle"/> and <see cref="Families"/>, which cost next to nothing while
/// no exporter listens (<c>host.http.enabled: false</c>).
/// </summary>
internal sealed class AlphaHostMetrics : IDisposable
{
    public const string MeterName = "AlphaHost";

    private static readonly SystemState[] SystemStates = Enum.GetValues<SystemState>();
    private static readonly ModelState[] ModelStates = Enum.GetValues<ModelState>();
    private static readonly string[] FamilyStateTexts = Enum.GetValues<FamilyState>().Select(StateText.Of).Distinct().ToArray();
    private static readonly DataState[] DataStates = Enum.GetValues<DataState>();
    private static readonly HttpState[] HttpStates = Enum.GetValues<HttpState>();
    private static readonly ModelState[] InstanceStates = [.. ModelStates.Where(s => s != ModelState.Absent)];

    /// <summary>Cycle time buckets in seconds: a cycle takes milliseconds, an overrun up to the family budget.</summary>
    private static readonly double[] CycleBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly HostStatus _status;
    private readonly ConfigStore _config;
    private readonly Lock _auditLock = new();
    private (long Length, long Ticks, string Logs) _auditStamp;
    private AuditRecord? _newestAudit;
    private readonly TimeProvider _clock;
    private readonly LogFileHealth _logs;
    private readonly FamilySupervisor? _families;
    private readonly SignalFeed? _feed;
    private readonly Histogram<double> _cycleDuration;
    private readonly Counter<long> _days;
    private readonly Counter<long> _governanceTrips;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _quarantines;
    private readonly Counter<long> _overruns;
    private readonly Dictionary<string, FamilyState> _lastStates = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private SignalFigures? _signals;

    /// <param name="meterName">The meter's name: <see cref="MeterName"/> but in tests, where daemons of one process must not mix.</param>
    public AlphaHostMetrics(HostStatus status, ConfigStore config, TimeProvider clock, LogFileHealth logs, FamilySupervisor? families = null, SignalFeed? feed = null, string meterName = MeterName)
    {
        (_status, _config, _clock, _logs, _families, _feed) = (status, config, clock, logs, families, feed);
        Meter = new Meter(meterName);
        _cycleDuration = Meter.CreateHistogram("alphahost_cycle_duration_seconds", "s", "Time of a cycle that processed a trading day (compute and write, without the pause)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CycleBuckets });
        _days = Meter.CreateCounter<long>("alphahost_market_days_processed_total", description: "Trading days processed since start");
        _governanceTrips = Meter.CreateCounter<long>("alphahost_governance_trips_total", description: "Times a family turned DISABLED_GOVERNANCE");
        _failures = Meter.CreateCounter<long>("alphahost_family_failures_total", description: "Cycles in which a family threw, overran or was quarantined");
        _quarantines = Meter.CreateCounter<long>("alphahost_family_quarantines_total", description: "Times a family was quarantined");
        _overruns = Meter.CreateCounter<long>("alphahost_family_overruns_total", description: "Cycles in which a family overran its time budget");

        Meter.CreateObservableGauge("alphahost_state", () => OneHot(SystemStates, Now().State, s => new("state", StateText.Of(s))),
            description: "1 for the daemon's heartbeat state (OK, DEGRADED, HALTED), 0 for the others");
        Meter.CreateObservableGauge("alphahost_ml_state", () => OneHot(ModelStates, Now().MlState, s => new("state", StateText.Of(s))),
            description: "1 for the heartbeat's ml_state, 0 for the others");
        Meter.CreateObservableGauge("alphahost_family_ml_state", InstanceMlStates,
            description: "1 for each model family instance's own ml_state (shadow instances included, mode live or shadow), 0 for its others");
        Meter.CreateObservableGauge("alphahost_state_reason", () => Now().Reasons.Select(r => new Measurement<int>(1, new KeyValuePair<string, object?>("reason", r))),
            description: "1 for each of the heartbeat's reasons (cycle_stalled, data_overdue, starting, family_degraded:<family>, ...)");
        Meter.CreateObservableGauge("alphahost_model_errors", () => Now().ModelErrors, description: "The model family's error count (heartbeat model_errors)");
        Meter.CreateObservableGauge("alphahost_http_state", () => OneHot(HttpStates, Now().Http.State, s => new("state", StateText.Of(s))),
            description: "1 for the HTTP endpoint's state (disabled, starting, listening, failed), 0 for the others");
        Meter.CreateObservableGauge("alphahost_family_state", FamilyStateValues, description: "1 for each family's state, 0 for its other states");
        Meter.CreateObservableGauge("alphahost_family_enabled", () => Now().Families.Select(f => new Measurement<int>(f.Enabled ? 1 : 0, new KeyValuePair<string, object?>("family", f.Name))),
            description: "1 when the config in force enables the family");
        Meter.CreateObservableGauge("alphahost_models_serving", () => Now().Families.Where(f => f.ServingModels is not null)
            .Select(f => new Measurement<int>(f.ServingModels!.Value, new KeyValuePair<string, object?>("family", f.Name))), description: "Models a family serves");
        Meter.CreateObservableGauge("alphahost_feature_drift_psi", () => _status.Families.Where(f => f.FeatureDrift is not null)
            .SelectMany(f => f.FeatureDrift!.Select(d => new Measurement<double>(d.Value, new KeyValuePair<string, object?>("family", f.Name), new KeyValuePair<string, object?>("feature", d.Key)))),
            description: "Population stability index of each input feature of a model family over its drift window (above families.ml_alpha.drift.psi_threshold the family is DEGRADED)");
        Meter.CreateObservableGauge<double>("alphahost_audit_pass_ratio", () => NewestAudit() is { } audit ? [new Measurement<double>(audit.PassRate)] : [],
            description: "Share of symbols that passed the newest `alphahost audit` recorded in this runtime folder (logs/audits.jsonl)");
        Meter.CreateObservableGauge<double>("alphahost_audit_timestamp_seconds", () => NewestAudit() is { } audit ? [new Measurement<double>(AuditJournal.UnixSeconds(audit))] : [],
            "s", "When the newest audit recorded in this runtime folder finished, as a Unix time");
        Meter.CreateObservableGauge("alphahost_cycles", () => _status.Cycles, description: "Trading days processed since start (the heartbeat's cycles)");
        Meter.CreateObservableGauge("alphahost_data_state", () => DataStateValues(), description: "1 for the feed's state (REPLAYING, WAITING, OVERDUE), 0 for the others");
        Meter.CreateObservableGauge("alphahost_data_due_timestamp_seconds", () => NextDue(d => d.Due), "s",
            "While the feed waits (or is overdue): when the next session's bars are due, its close on market.calendar, as a Unix time (the heartbeat's due=)");
        Meter.CreateObservableGauge("alphahost_data_overdue_at_timestamp_seconds", () => NextDue(d => d.OverdueAt), "s",
            "While the feed waits (or is overdue): when the next session turns overdue (HALTED), as a Unix time (the heartbeat's overdue_at=)");
        Meter.CreateObservableGauge("alphahost_data_age_seconds", DataAge, "s", "Age of the newest bar processed: seconds since its session's close on market.calendar (not since it arrived)");
        Meter.CreateObservableGauge("alphahost_market_date_timestamp_seconds", MarketDate, "s", "The newest trading day processed, as a Unix time (00:00 UTC)");
        Meter.CreateObservableGauge("alphahost_fresh_symbols", () => _status.Last?.FreshSymbols ?? 0, description: "Symbols with a bar on the last processed day");
        Meter.CreateObservableGauge("alphahost_signals", () => Figures(s => s.Count), description: "Symbols with a combined signal in the last cycle");
        Meter.CreateObservableGauge("alphahost_signal_abs_mean", () => Figures(s => s.AbsMean), description: "Mean |combined signal| over the last cycle's symbols");
        Meter.CreateObservableGauge("alphahost_family_weight", WeightValues, description: "Weight each live family was combined by in the last cycle (configured, or learned with combiner.mode learned)");
        Meter.CreateObservableGauge("alphahost_family_contribution_abs_mean", ContributionValues, description: "Mean |weight x signal| a family added to the last cycle's combined signals");
        Meter.CreateObservableGauge("alphahost_log_faults", () => _logs.Faults.Count, description: "Log files that cannot be written");
        Meter.CreateObservableGauge("alphahost_http_sse_clients", () => _feed?.Clients ?? 0, description: "Clients connected to /api/signals/stream");
        Meter.CreateObservableCounter("alphahost_http_sse_dropped_events_total", () => _feed?.Dropped ?? 0, description: "Cycles not sent to a slow signal-stream client (its queue was full)");
        Meter.CreateObservableCounter("alphahost_worker_restarts_total", WorkerRestarts, description: "Times a family's worker process was started again");
        Meter.CreateObservableCounter("alphahost_worker_output_dropped_bytes_total", WorkerOutputDropped,
            description: "Bytes of a family's worker console output the host dropped: over host.worker_output.bytes_per_second, or past a line's cut");
        Meter.CreateObservableCounter("alphahost_plugin_log_dropped_total", () => PluginLog(g => g.Dropped),
            description: "A family's log events dropped over its budget (host.plugin_log_events_per_second, host.plugin_log_bytes_per_cycle)");
        Meter.CreateObservableCounter("alphahost_plugin_log_rewritten_total", () => PluginLog(g => g.Rewritten),
            description: "A family's log events that carried a host-owned property name or tag (written with it moved aside or renamed)");
        Meter.CreateObservableGauge("alphahost_worker_memory_bytes", WorkerMemory, "By", "Resident memory of a family's worker process");
        Meter.CreateObservableGauge("alphahost_cycle_latency_p50_seconds", () => _status.Latency().P50 / 1000, "s", "Median of the last 1,024 cycle times (the heartbeat's cycle_p50_ms)");
        Meter.CreateObservableGauge("alphahost_cycle_latency_p99_seconds", () => _status.Latency().P99 / 1000, "s", "99th percentile of the last 1,024 cycle times (the heartbeat's cycle_p99_ms)");
        Meter.CreateObservableGauge("alphahost_uptime_seconds", () => (_clock.GetUtcNow() - _status.StartedAt).TotalSeconds, "s", "Seconds since the daemon started");
        Meter.CreateObservableGauge("alphahost_process_memory_bytes", () => Environment.WorkingSet, "By", "The daemon's resident memory (heartbeat mem_mb)");
    }

    public Meter Meter { get; }

    /// <summary>A cycle that processed a trading day: its duration, the families' turns and the combined signals.</summary>
    public void Cycle(TimeSpan elapsed, IReadOnlyList<FamilyOutcome> outcomes, CombinedSignals combined)
    {
        _cycleDuration.Record(elapsed.TotalSeconds);
        _days.Add(1);
        foreach (var outcome in outcomes)
        {
            if (outcome.Kind is OutcomeKind.TimedOut or OutcomeKind.StillRunning)
            {
                _overruns.Add(1, new KeyValuePair<string, object?>("family", outcome.Name));
            }
        }

        var figures = SignalFigures.Of(combined) with { Weights = outcomes.Where(o => combined.Families.Contains(o.Name)).Select(o => KeyValuePair.Create(o.Name, o.Weight)).ToArray() };
        lock (_lock)
        {
            _signals = figures;
        }
    }

    /// <summary>The families' states after a pass (a cycle or an idle poll): counts failures and the turns into a state.</summary>
    public void Families(IReadOnlyList<FamilyStatus> families, bool cycled)
    {
        lock (_lock)
        {
            foreach (var family in families)
            {
                var tag = new KeyValuePair<string, object?>("family", family.Name);
                if (cycled && family.Failed)
                {
                    _failures.Add(1, tag);
                }

                var known = _lastStates.TryGetValue(family.Name, out var before);
                if (!known || before != family.State)
                {
                    if (family.State == FamilyState.DisabledGovernance && known)
                    {
                        _governanceTrips.Add(1, tag);
                    }
                    else if (family.State == FamilyState.Quarantined)
                    {
                        _quarantines.Add(1, tag);
                    }
                }

                _lastStates[family.Name] = family.State;
            }
        }
    }

    public void Dispose() => Meter.Dispose();

    /// <summary>The newest audit of the runtime folder, read again only when <c>audits.jsonl</c> changed.</summary>
    private AuditRecord? NewestAudit()
    {
        var logs = RuntimePaths.From(_config.Current).LogsDir;
        var file = new FileInfo(Path.Combine(logs, AuditJournal.FileName));
        var stamp = file.Exists ? (file.Length, file.LastWriteTimeUtc.Ticks, logs) : (0L, 0L, logs);
        lock (_auditLock)
        {
            if (stamp != _auditStamp)
            {
                _auditStamp = stamp;
                _newestAudit = file.Exists ? AuditJournal.Newest(logs) : null;
            }

            return _newestAudit;
        }
    }

    /// <summary>The status record the state gauges render, as the heartbeat, daemon.json and /api/status render theirs.</summary>
    private DaemonStatus Now() => DaemonStatus.Of(_status, _config.Current, _clock);

    private IEnumerable<Measurement<int>> InstanceMlStates() =>
        Now().ModelInstances.SelectMany(m => InstanceStates.Select(s => new Measurement<int>(s == m.MlState ? 1 : 0,
            new KeyValuePair<string, object?>("family", m.Name), new KeyValuePair<string, object?>("mode", StateText.Of(m.Mode)), new KeyValuePair<string, object?>("state", StateText.Of(s)))));

    private static IEnumerable<Measurement<int>> OneHot<T>(T[] all, T current, Func<T, KeyValuePair<string, object?>> label) where T : struct, Enum =>
        all.Select(s => new Measurement<int>(EqualityComparer<T>.Default.Equals(s, current) ? 1 : 0, label(s)));

    private IEnumerable<Measurement<int>> FamilyStateValues() =>
        Now().Families.SelectMany(f => FamilyStateTexts.Select(s =>
            new Measurement<int>(s == StateText.Of(f.State) ? 1 : 0, new KeyValuePair<string, object?>("family", f.Name), new KeyValuePair<string, object?>("state", s))));

    private IEnumerable<Measurement<int>> DataStateValues() =>
        Now().Data is { } data ? OneHot(DataStates, data, s => new("state", StateText.Of(s))) : [];

    private IEnumerable<Measurement<long>> NextDue(Func<DataDue, DateTimeOffset> time) =>
        Now().Next is { } next ? [new Measurement<long>(time(next).ToUnixTimeSeconds())] : [];

    private IEnumerable<Measurement<double>> DataAge() =>
        Now() is { MarketDate: { } newest } now
            ? [new Measurement<double>(DataSchedule.Age(ExchangeCalendars.Named(_config.Current.Market.Calendar), newest, now.At).TotalSeconds)]
            : [];

    private IEnumerable<Measurement<long>> MarketDate() =>
        Now().MarketDate is { } day
            ? [new Measurement<long>(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds())]
            : [];

    private IEnumerable<Measurement<double>> Figures(Func<SignalFigures, double> value)
    {
        SignalFigures? figures;
        lock (_lock)
        {
            figures = _signals;
        }

        return figures is null ? [] : [new Measurement<double>(value(figures))];
    }

    private IEnumerable<Measurement<double>> WeightValues()
    {
        SignalFigures? figures;
        lock (_lock)
        {
            figures = _signals;
        }

        return figures is null ? [] : figures.Weights.Select(w => new Measurement<double>(w.Value, new KeyValuePair<string, object?>("family", w.Key)));
    }

    private IEnumerable<Measurement<double>> ContributionValues()
    {
        SignalFigures? figures;
        lock (_lock)
        {
            figures = _signals;
        }

        return figures is null ? [] : figures.ContributionAbsMean.Select(c => new Measurement<double>(c.Value, new KeyValuePair<string, object?>("family", c.Key)));
    }

    private IEnumerable<Measurement<int>> WorkerRestarts() =>
        _families is null ? [] : _families.Slots.Select(s => new Measurement<int>(s.Restarts, new KeyValuePair<string, object?>("family", s.Name)));

    private IEnumerable<Measurement<long>> WorkerOutputDropped() =>
        _families is null ? [] : _families.Slots.Select(s => new Measurement<long>(s.OutputDropped.Total, new KeyValuePair<string, object?>("family", s.Name)));
    private IEnumerable<Measurement<long>> PluginLog(Func<Logging.PluginLogGate, long> figure) =>
        _families is null ? [] : _families.Slots.Where(s => s.Log is not null)
            .Select(s => new Measurement<long>(figure(s.Log!), new KeyValuePair<string, object?>("family", s.Name)));

    /// <summary>Read from <c>/proc</c> when a scrape asks, not by the cycle.</summary>
    private IEnumerable<Measurement<long>> WorkerMemory() =>
        _families is null ? [] : _families.Slots
            .Select(s => (s.Name, Mb: (s.Endpoint as Workers.ProcessFamilyEndpoint)?.ResidentMb))
            .Where(w => w.Mb is not null)
            .Select(w => new Measurement<long>(w.Mb!.Value * 1024 * 1024, new KeyValuePair<string, object?>("family", w.Name)));

    /// <summary>What a scrape shows of the last cycle's combined signals.</summary>
    private sealed record SignalFigures(int Count, double AbsMean, IReadOnlyList<KeyValuePair<string, double>> ContributionAbsMean)
    {
        /// <summary>The weight each live family was combined by.</summary>
        public IReadOnlyList<KeyValuePair<string, double>> Weights { get; init; } = [];

        public static SignalFigures Of(CombinedSignals combined)
        {
            var total = 0.0;
            foreach (var signal in combined.Signals)
            {
                total += Math.Abs(signal.Signal);
            }

            var n = combined.Signals.Count;
            return new SignalFigures(n, n == 0 ? 0 : total / n, combined.MeanAbsContributions());
        }
    }
}
