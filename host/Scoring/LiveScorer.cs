using System.Diagnostics.Metrics;
using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;
using AlphaHost.Host.Cycle;

namespace AlphaHost.Host.Scoring;

/// <summary>
/// Scores every family's signals, and the combined signal, against the returns that followed, as the days arrive: when a
/// trading day arrives, each symbol's close-to-close return since the previous one is set against the signals of the
/// previous cycle. Per day: the cross-sectional rank IC (Spearman) and the hit rate (share of symbols with a non-zero
/// signal whose sign the return matched); rolling means over the last 20 and 60 scored days. A family that gave no
/// signals in a cycle (disabled, failed) is not scored for the day after it. Published in <c>daemon.json</c> (and so
/// in <c>ml status</c>) and as gauges <c>alphahost_live_rank_ic</c> and <c>alphahost_live_hit_rate</c> on the
/// <c>AlphaHost</c> meter, tagged <c>family</c> and <c>window_days</c>.
/// </summary>
internal sealed class LiveScorer : IDisposable
{
    /// <summary>The stream name of the combined signal.</summary>
    public const string Combined = "combined";

    /// <summary>Symbols a day's cross-section needs before it is scored.</summary>
    public const int MinSymbols = 3;

    public static readonly int[] Windows = [20, 60];

    private readonly Lock _lock = new();
    private readonly Meter _meter = new("AlphaHost");
    private readonly Dictionary<string, Dictionary<string, double>> _previous = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<DailyScore>> _days = new(StringComparer.Ordinal);
    private Dictionary<string, double> _closes = new(StringComparer.Ordinal);
    private DateOnly? _date;

    public LiveScorer()
    {
        _meter.CreateObservableGauge("alphahost_live_rank_ic", () => Measure(s => s.RankIc), description: "Rolling mean of the daily cross-sectional rank IC of a family's signals against next-day returns");
        _meter.CreateObservableGauge("alphahost_live_hit_rate", () => Measure(s => s.HitRate), description: "Rolling share of symbols whose next-day return had the sign of the family's signal");
    }

    /// <summary>Scores the previous cycle's signals against the returns up to <paramref name="snapshot"/>, then keeps this cycle's.</summary>
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
                var returns = Returns(_closes, closes);
                foreach (var (stream, signals) in _previous)
                {
                    if (Score(signals, returns) is { } day)
                    {
                        Days(stream).Add(day);
                    }
                }
            }

            _previous.Clear();
            foreach (var outcome in outcomes.Where(o => o.Kind == OutcomeKind.Ok && o.Signals.Count > 0))
            {
                _previous[outcome.Name] = new Dictionary<string, double>(outcome.Signals, StringComparer.Ordinal);
            }

            _previous[Combined] = combined.Signals.ToDictionary(s => s.Symbol, s => s.Signal, StringComparer.Ordinal);
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
                Rolling(d.Value, 20, s => s.RankIc), Rolling(d.Value, 60, s => s.RankIc), Rolling(d.Value, 20, s => s.HitRate), Rolling(d.Value, 60, s => s.HitRate))).ToArray();
        }
    }

    /// <summary>The daily scores of one stream, oldest first (at most the longest window).</summary>
    public IReadOnlyList<DailyScore> History(string stream)
    {
        lock (_lock)
        {
            return _days.TryGetValue(stream, out var days) ? days.ToArray() : [];
        }
    }

    public void Dispose() => _meter.Dispose();

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

    private static DailyScore? Score(Dictionary<string, double> signals, Dictionary<string, double> returns)
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

        var ic = Stats.Spearman(x, y);
        return new DailyScore(double.IsNaN(ic) ? null : ic, signed == 0 ? null : (double)hits / signed);
    }

    private List<DailyScore> Days(string stream)
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

    private static double? Rolling(List<DailyScore> days, int window, Func<DailyScore, double?> value)
    {
        var values = days.Skip(Math.Max(0, days.Count - window)).Select(value).OfType<double>().ToArray();
        return values.Length == 0 ? null : values.Average();
    }

    private List<Measurement<double>> Measure(Func<DailyScore, double?> value)
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
}

/// <summary>One day's score of a stream's previous signals.</summary>
/// <param name="RankIc">Cross-sectional Spearman correlation of signals and realised returns; null when either had no spread.</param>
/// <param name="HitRate">Share of symbols with a non-zero signal and return whose signs matched; null when there were none.</param>
internal sealed record DailyScore(double? RankIc, double? HitRate);

/// <summary>A stream's rolling live scores.</summary>
/// <param name="Family">The family instance, or <c>combined</c>.</param>
/// <param name="Days">Days scored (at most 60 kept).</param>
/// <param name="RankIc20">Mean daily rank IC over the last 20 scored days.</param>
/// <param name="RankIc60">Over the last 60.</param>
/// <param name="HitRate20">Mean daily hit rate over the last 20.</param>
/// <param name="HitRate60">Over the last 60.</param>
internal sealed record LiveScore(string Family, int Days, double? RankIc20, double? RankIc60, double? HitRate20, double? HitRate60);
