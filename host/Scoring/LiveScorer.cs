using System.Diagnostics.Metrics;
using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlphaHost.Host.Scoring;

/// <summary>
/// Scores every family's signals, and the combined signal, against the returns that followed, as the days arrive: when a
/// trading day arrives, each symbol's close-to-close return since the previous one is set against the signals of the
/// previous trading day (next-day), and its return over the last <see cref="HorizonDays"/> trading days against the
/// signals of that many days before (horizon). Per day: the cross-sectional rank IC (Spearman) and the hit rate (share
/// of symbols with a non-zero signal whose sign the return matched); rolling means over the last 20 and 60 scored days.
/// A family that gave no signals in a cycle (disabled, failed) is not scored for the day after it.
/// <para>
/// Each day is appended to the stream's <see cref="LiveScoreJournal"/> in its state folder, with the model version that
/// produced the signals, whether governance had the family disabled and its error count; at start the rolling figures are
/// read back from there, so a restart does not reset them (the horizon figures resume <see cref="HorizonDays"/> days after
/// a restart: the signals they need are not kept). Published in <c>daemon.json</c> (and so in <c>ml status</c>) and as
/// gauges <c>alphahost_live_rank_ic</c>, <c>alphahost_live_hit_rate</c> and <c>alphahost_live_horizon_rank_ic</c> on the
/// <c>AlphaHost</c> meter, tagged <c>family</c> and <c>window_days</c>.
/// </para>
/// </summary>
internal sealed class LiveScorer : IDisposable
{
    /// <summary>The stream name of the combined signal.</summary>
    public const string Combined = "combined";

    /// <summary>Symbols a day's cross-section needs before it is scored.</summary>
    public const int MinSymbols = 3;

    /// <summary>Trading days of the horizon return the signals are also scored against.</summary>
    public const int HorizonDays = 5;

    public static readonly int[] Windows = [20, 60];

    private readonly Lock _lock = new();
    private readonly Meter _meter = new("AlphaHost");
    private readonly string? _stateDirectory;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Dictionary<string, JsonLinesJournal<LiveScoreDay>> _journals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<LiveScoreDay>> _days = new(StringComparer.Ordinal);

    /// <summary>Each stream's last day recorded: a replay that starts again before it (a restarted bar-folder replay) is not scored twice.</summary>
    private readonly Dictionary<string, DateOnly> _recorded = new(StringComparer.Ordinal);

    /// <summary>The last <see cref="HorizonDays"/> trading days seen, oldest first: their closes and each stream's signals.</summary>
    private readonly List<ObservedDay> _past = [];
    private Dictionary<string, StreamDay> _streams = new(StringComparer.Ordinal);
    private Dictionary<string, double> _closes = new(StringComparer.Ordinal);
    private DateOnly? _date;

    /// <param name="stateDirectory">The runtime's state folder; null keeps the scores in memory only.</param>
    /// <param name="clock">The clock of the lines' <c>at</c>.</param>
    /// <param name="logger">Where a journal that cannot be written is reported.</param>
    public LiveScorer(string? stateDirectory, TimeProvider clock, ILogger? logger = null)
    {
        _stateDirectory = stateDirectory;
        _clock = clock;
        _logger = logger ?? NullLogger.Instance;
        if (stateDirectory is not null)
        {
            Restore(stateDirectory);
        }

        _meter.CreateObservableGauge("alphahost_live_rank_ic", () => Measure(s => s.RankIc), description: "Rolling mean of the daily cross-sectional rank IC of a family's signals against next-day returns");
        _meter.CreateObservableGauge("alphahost_live_hit_rate", () => Measure(s => s.HitRate), description: "Rolling share of symbols whose next-day return had the sign of the family's signal");
        _meter.CreateObservableGauge("alphahost_live_horizon_rank_ic", () => Measure(s => s.HorizonRankIc), description: $"Rolling mean of the daily cross-sectional rank IC of a family's signals against {HorizonDays}-day returns");
    }

    /// <summary>Scores the earlier signals against the returns up to <paramref name="snapshot"/>, then keeps this cycle's.</summary>
    public void Observe(MarketSnapshot snapshot, IReadOnlyList<FamilyOutcome> outcomes, CombinedSignals combined)
    {
        var closes = new Dictionary<string, double>(snapshot.Symbols.Count, StringComparer.Ordinal);
        foreach (var symbol in snapshot.Symbols)
        {
            closes[symbol.Symbol] = symbol.Last.Close;
        }

        lock (_lock)
        {
            if (_date is { } previousDate && snapshot.Date > previousDate)
            {
                _past.Add(new ObservedDay(previousDate, _closes, _streams));
                if (_past.Count > HorizonDays)
                {
                    _past.RemoveAt(0);
                }

                ScoreArrival(snapshot.Date, closes);
                _streams = new Dictionary<string, StreamDay>(StringComparer.Ordinal);
            }

            // Only the day's last cycle's signals are scored: a family that failed in it gave none.
            foreach (var stream in _streams.Values)
            {
                stream.Signals = null;
            }

            // A family turned off by configuration has nothing to score or to report.
            foreach (var outcome in outcomes.Where(o => o.Kind != OutcomeKind.DisabledConfig))
            {
                var stream = Stream(outcome.Name);
                stream.GovernanceTripped |= outcome.State == FamilyState.DisabledGovernance;
                stream.ModelErrors = outcome.Health.ErrorCount;
                stream.ModelVersion = outcome.Health.ModelVersion ?? stream.ModelVersion;
                stream.ModelContent = outcome.Health.ModelContent ?? stream.ModelContent;
                if (outcome.Kind == OutcomeKind.Ok && outcome.Signals.Count > 0)
                {
                    stream.Signals = new Dictionary<string, double>(outcome.Signals, StringComparer.Ordinal);
                }
            }

            Stream(Combined).Signals = combined.Signals.ToDictionary(s => s.Symbol, s => s.Signal, StringComparer.Ordinal);
            _closes = closes;
            _date = snapshot.Date;
        }
    }

    /// <summary>Every stream's rolling scores now, the combined signal last.</summary>
    public IReadOnlyList<LiveScore> Scores()
    {
        lock (_lock)
        {
            return _days.OrderBy(d => d.Key == Combined).ThenBy(d => d.Key, StringComparer.Ordinal).Select(d => new LiveScore(d.Key, d.Value.Count,
                Rolling(d.Value, 20, s => s.RankIc), Rolling(d.Value, 60, s => s.RankIc), Rolling(d.Value, 20, s => s.HitRate), Rolling(d.Value, 60, s => s.HitRate))
            {
                HorizonDays = HorizonDays,
                HorizonRankIc20 = Rolling(d.Value, 20, s => s.HorizonRankIc),
                HorizonRankIc60 = Rolling(d.Value, 60, s => s.HorizonRankIc),
            }).ToArray();
        }
    }

    /// <summary>The scored days of one stream, oldest first (at most the longest window).</summary>
    public IReadOnlyList<LiveScoreDay> History(string stream)
    {
        lock (_lock)
        {
            return _days.TryGetValue(stream, out var days) ? days.ToArray() : [];
        }
    }

    public void Dispose() => _meter.Dispose();

    private void Restore(string stateDirectory)
    {
        foreach (var (stream, journal) in LiveScoreJournal.All(stateDirectory))
        {
            try
            {
                var lines = journal.Read();
                var days = lines.Where(d => d.Scored).TakeLast(Windows[^1]).ToList();
                if (days.Count > 0)
                {
                    _days[stream] = days;
                }

                if (lines.Count > 0)
                {
                    _recorded[stream] = lines.Max(d => d.Date);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogError("Live scores of {Family} could not be read from {Path}: {Error}; its rolling figures start afresh", stream, journal.Path, ex.Message);
            }
        }
    }

    private void ScoreArrival(DateOnly date, Dictionary<string, double> closes)
    {
        var yesterday = _past[^1];
        var horizon = _past.Count == HorizonDays ? _past[0] : null;
        var nextDay = Returns(yesterday.Closes, closes);
        var horizonReturns = horizon is null ? null : Returns(horizon.Closes, closes);
        var now = _clock.GetUtcNow();
        foreach (var (name, stream) in yesterday.Streams)
        {
            if (_recorded.TryGetValue(name, out var last) && date <= last)
            {
                continue;
            }

            _recorded[name] = date;
            var score = stream.Signals is { } signals ? Score(signals, nextDay) : null;
            var later = horizon?.Streams.GetValueOrDefault(name)?.Signals is { } old ? Score(old, horizonReturns!) : null;
            var day = new LiveScoreDay
            {
                Date = date,
                Family = name,
                SignalDate = yesterday.Date,
                ModelVersion = stream.ModelVersion,
                ModelContent = stream.ModelContent,
                Symbols = score?.Symbols ?? 0,
                RankIc = score?.RankIc,
                HitRate = score?.HitRate,
                HorizonDays = HorizonDays,
                HorizonSignalDate = later is null ? null : horizon!.Date,
                HorizonSymbols = later?.Symbols ?? 0,
                HorizonRankIc = later?.RankIc,
                HorizonHitRate = later?.HitRate,
                GovernanceTripped = stream.GovernanceTripped,
                ModelErrors = stream.ModelErrors,
                At = now,
            };
            if (day.Scored)
            {
                Days(name).Add(day);
            }

            Append(name, day);
        }
    }

    private void Append(string stream, LiveScoreDay day)
    {
        if (_stateDirectory is null)
        {
            return;
        }

        if (!_journals.TryGetValue(stream, out var journal))
        {
            _journals[stream] = journal = LiveScoreJournal.Open(_stateDirectory, stream);
        }

        try
        {
            journal.Append(day);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("Live score of {Family} for {Date} could not be written to {Path}: {Error}", stream, day.Date, journal.Path, ex.Message);
        }
    }

    private StreamDay Stream(string name)
    {
        if (!_streams.TryGetValue(name, out var stream))
        {
            _streams[name] = stream = new StreamDay();
        }

        return stream;
    }

    private static Dictionary<string, double> Returns(Dictionary<string, double> before, Dictionary<string, double> after)
    {
        var returns = new Dictionary<string, double>(after.Count, StringComparer.Ordinal);
        foreach (var (symbol, close) in after)
        {
            if (before.TryGetValue(symbol, out var previous) && previous > 0 && double.IsFinite(close))
            {
                returns[symbol] = close / previous - 1;
            }
        }

        return returns;
    }

    private static (int Symbols, double? RankIc, double? HitRate)? Score(Dictionary<string, double> signals, Dictionary<string, double> returns)
    {
        var x = new List<double>(signals.Count);
        var y = new List<double>(signals.Count);
        int signed = 0, hits = 0;
        foreach (var (symbol, signal) in signals)
        {
            if (!double.IsFinite(signal) || !returns.TryGetValue(symbol, out var realised))
            {
                continue;
            }

            x.Add(signal);
            y.Add(realised);
            if (signal != 0 && realised != 0)
            {
                signed++;
                hits += Math.Sign(signal) == Math.Sign(realised) ? 1 : 0;
            }
        }

        if (x.Count < MinSymbols)
        {
            return null;
        }

        var ic = CrossSection.Spearman(x, y);
        return (x.Count, double.IsNaN(ic) ? null : ic, signed == 0 ? null : (double)hits / signed);
    }

    private List<LiveScoreDay> Days(string stream)
    {
        if (!_days.TryGetValue(stream, out var days))
        {
            _days[stream] = days = [];
        }

        if (days.Count == Windows[^1])
        {
            days.RemoveAt(0);
        }

        return days;
    }

    private static double? Rolling(List<LiveScoreDay> days, int window, Func<LiveScoreDay, double?> value)
    {
        var values = days.Skip(Math.Max(0, days.Count - window)).Select(value).OfType<double>().ToArray();
        return values.Length == 0 ? null : values.Average();
    }

    private List<Measurement<double>> Measure(Func<LiveScoreDay, double?> value)
    {
        var measurements = new List<Measurement<double>>();
        lock (_lock)
        {
            foreach (var (stream, days) in _days)
            {
                foreach (var window in Windows)
                {
                    if (Rolling(days, window, value) is { } mean)
                    {
                        measurements.Add(new Measurement<double>(mean, new KeyValuePair<string, object?>("family", stream), new KeyValuePair<string, object?>("window_days", window)));
                    }
                }
            }
        }

        return measurements;
    }

    /// <summary>What the cycles of one trading day left for a stream: its last cycle's signals and the family's health.</summary>
    private sealed class StreamDay
    {
        public Dictionary<string, double>? Signals { get; set; }

        public string? ModelVersion { get; set; }

        public string? ModelContent { get; set; }

        public bool GovernanceTripped { get; set; }

        public long ModelErrors { get; set; }
    }

    private sealed record ObservedDay(DateOnly Date, Dictionary<string, double> Closes, Dictionary<string, StreamDay> Streams);
}

/// <summary>A stream's rolling live scores.</summary>
/// <param name="Family">The family instance, or <c>combined</c>.</param>
/// <param name="Days">Days scored (at most 60 kept).</param>
/// <param name="RankIc20">Mean daily rank IC over the last 20 scored days.</param>
/// <param name="RankIc60">Over the last 60.</param>
/// <param name="HitRate20">Mean daily hit rate over the last 20.</param>
/// <param name="HitRate60">Over the last 60.</param>
internal sealed record LiveScore(string Family, int Days, double? RankIc20, double? RankIc60, double? HitRate20, double? HitRate60)
{
    /// <summary>Trading days of the horizon return.</summary>
    public int HorizonDays { get; init; }

    /// <summary>Mean daily rank IC against the horizon return over the last 20 scored days.</summary>
    public double? HorizonRankIc20 { get; init; }

    /// <summary>Over the last 60.</summary>
    public double? HorizonRankIc60 { get; init; }
}
