using System.Globalization;
using System.Numerics;
using System.Text;

namespace AlphaHost.Plugins.MlAlpha.Drift;

/// <summary>
/// Turns each cycle's <see cref="CycleMeasures"/> into a verdict: a check fails when its figure leaves its trailing
/// baseline (the median of the last <see cref="DriftOptions.BaselineCycles"/> cycles) by more than its threshold, and
/// sets DEGRADED when it failed in <see cref="DriftOptions.Persist"/> of the last <see cref="DriftOptions.Of"/> cycles,
/// so one odd day does not flip the state. Every baseline takes every cycle: a fault is caught on its first cycles and,
/// if it persists, becomes the norm once it fills half the baseline (about 10 cycles at the default 20), so the alarm
/// marks a change rather than staying on forever (a baseline that left failing cycles out stuck on a natural swing of a
/// discrete feature, e.g. the sector rank's ties). The same code serves the live cycle and <c>drift-calibrate</c>'s
/// replays. Allocation-free except the reason text of a DEGRADED cycle and the live IC's figures of a scored day.
/// </summary>
internal sealed class DriftJudge
{
    private readonly IReadOnlyList<string> _names;
    private readonly DriftOptions _options;
    private readonly Trail[] _ties;
    private readonly Trail[] _unchanged;
    private readonly Trail[] _level;
    private readonly Trail[] _missing;
    private readonly Trail _stale;
    private readonly Trail _autocorrelation;
    private readonly IcWindow _ic;
    private string? _icModel;
    private readonly uint[] _history;
    private readonly double[] _scratch;
    private readonly uint _mask;
    private int _named;

    /// <summary>A feature whose baseline tie share is this high or higher is not tie-checked (it is discrete).</summary>
    private const double MaxTieBaseline = 0.5;

    /// <summary>A rank autocorrelation this high is a ranking that did not move (exactly 1 but for rounding).</summary>
    private const double FrozenAutocorrelation = 0.99999;

    /// <summary>Failing checks a reason names in full (the rest are counted).</summary>
    private const int NamedChecks = 3;

    public DriftJudge(IReadOnlyList<string> names, DriftOptions options)
    {
        _names = names;
        _options = options;
        var f = names.Count;
        _ties = Trails(f, options.BaselineCycles);
        _unchanged = Trails(f, options.BaselineCycles);
        _level = Trails(f, options.BaselineCycles);
        _missing = Trails(f, options.BaselineCycles);
        _stale = new Trail(options.BaselineCycles);
        _autocorrelation = new Trail(options.BaselineCycles);
        _ic = new IcWindow(options.IcWindow);
        _history = new uint[(4 * f) + 5];
        _scratch = new double[options.BaselineCycles];
        _mask = options.Of >= 32 ? uint.MaxValue : (1u << options.Of) - 1;
    }

    public DriftOptions Options => _options;

    /// <summary>
    /// The live rank IC as last judged: its mean over <see cref="LiveIc.Days"/> scored days, its standard error and the
    /// backtest's; null before the first scored day of the serving model.
    /// </summary>
    public LiveIc? Ic { get; private set; }

    /// <summary>Judges one cycle; returns the DEGRADED reason (<c>drift: ...</c>, naming each failing check and feature) or null.</summary>
    public string? Judge(CycleMeasures m)
    {
        if (m.Modelled == 0 && m.Rows == 0)
        {
            return null;
        }

        StringBuilder? reason = null;
        _named = 0;
        if (m.Rows > 0)
        {
            JudgeRows(m, ref reason);
            JudgeAutocorrelation(m, ref reason);
        }

        JudgeIc(m, ref reason);

        if (m.Modelled > 0)
        {
            JudgeMissing(m, ref reason);
        }

        if (_named > NamedChecks)
        {
            reason!.Append(CultureInfo.InvariantCulture, $" (+{_named - NamedChecks} more)");
        }

        return reason?.Insert(0, "drift: ").ToString();
    }

    /// <summary>
    /// Per feature, the share of the modelled symbols whose value is missing or infinite (the pooled model leaves those
    /// symbols out): a feature gone missing upstream, named, before the symbol count check's 10 % sees it unnamed.
    /// </summary>
    private void JudgeMissing(CycleMeasures m, ref StringBuilder? reason)
    {
        var f = _names.Count;
        for (var i = 0; i < f; i++)
        {
            var share = m.Missing[i] + m.Infinite[i];
            var missingBase = Baseline(_missing[i]);
            var fails = missingBase is { } mb && Excess(share, mb) > _options.MissingExcess;
            if (Persisted((3 * f) + 2 + i, fails))
            {
                Add(ref reason, FormattableString.Invariant(
                    $"{_names[i]} missing or non-finite on {share * 100:0}% of symbols ({m.Missing[i] * 100:0}% missing, {m.Infinite[i] * 100:0}% infinite; baseline {(missingBase ?? 0) * 100:0}%)"));
            }

            _missing[i].Add(share);
        }
    }

    /// <summary>The checks of the measured (predicted) rows and the outputs.</summary>
    private void JudgeRows(CycleMeasures m, ref StringBuilder? reason)
    {
        var f = _names.Count;
        for (var i = 0; i < f; i++)
        {
            var tieBase = Baseline(_ties[i]);
            // A discrete feature (a sector rank) ties on most symbols by nature: its ties say nothing, its stuck values still do.
            var tieFails = tieBase is < MaxTieBaseline and var tb && Excess(m.Ties[i], tb) > _options.TieExcess;
            if (Persisted(i, tieFails))
            {
                Add(ref reason, FormattableString.Invariant($"{_names[i]} tied on {m.Ties[i] * 100:0}% of symbols (baseline {(tieBase ?? 0) * 100:0}%)"));
            }

            var unchangedBase = Baseline(_unchanged[i]);
            var unchangedFails = unchangedBase is { } ub && Excess(m.Unchanged[i], ub) > _options.UnchangedExcess;
            if (Persisted(f + i, unchangedFails))
            {
                Add(ref reason, FormattableString.Invariant($"{_names[i]} frozen: unchanged since the last cycle on {m.Unchanged[i] * 100:0}% of symbols (baseline {(unchangedBase ?? 0) * 100:0}%)"));
            }

            var levelBase = Baseline(_level[i]);
            var ratio = levelBase is > 0 and var lb ? m.Level[i] / lb : 1.0;
            // Upwards only (and a spread gone to zero, which the tie check also sees): a unit change or a scale error
            // multiplies the spread; quiet days narrow it several-fold for some features.
            var levelFails = ratio > _options.LevelRatio || (ratio == 0 && levelBase > 0);
            if (Persisted((2 * f) + i, levelFails))
            {
                Add(ref reason, FormattableString.Invariant($"{_names[i]} spread x{ratio:0.00} of its last {_level[i].Count} cycles' median (interquartile range; limit x{_options.LevelRatio:0.##})"));
            }

            _ties[i].Add(m.Ties[i]);
            _unchanged[i].Add(m.Unchanged[i]);
            _level[i].Add(m.Level[i]);
        }

        var staleBase = Baseline(_stale);
        var staleFails = staleBase is { } sb && Excess(m.StaleRows, sb) > _options.StaleRowsExcess;
        if (Persisted(3 * f, staleFails))
        {
            var names = string.Join(",", m.StaleSymbols.Take(Math.Min(m.StaleCount, CycleMeasures.NamedStale)));
            Add(ref reason, FormattableString.Invariant($"stale rows: {m.StaleCount} symbols' rows unchanged since the last cycle ({names}{(m.StaleCount > CycleMeasures.NamedStale ? ",..." : "")})"));
        }

        _stale.Add(m.StaleRows);

        var dispersionFails = m.Dispersion < _options.MinDispersion;
        if (Persisted((3 * f) + 1, dispersionFails))
        {
            Add(ref reason, FormattableString.Invariant($"prediction dispersion {m.Dispersion:0.000} of the training spread, below {_options.MinDispersion.ToString(CultureInfo.InvariantCulture)}"));
        }
    }

    /// <summary>
    /// The ranking of the predictions from one cycle to the next: churned (its rank autocorrelation fallen more than
    /// <see cref="DriftOptions.AutocorrDrop"/> below its trailing median) or frozen (unchanged to the last digit, which a
    /// model fed moving features never is).
    /// </summary>
    private void JudgeAutocorrelation(CycleMeasures m, ref StringBuilder? reason)
    {
        var f = _names.Count;
        var x = m.Autocorrelation;
        var known = !double.IsNaN(x);
        var baseline = Baseline(_autocorrelation);
        var churned = known && baseline is { } b && b - x > _options.AutocorrDrop;
        var frozen = known && x >= FrozenAutocorrelation && baseline is < FrozenAutocorrelation;
        if (Persisted((4 * f) + 2, churned))
        {
            Add(ref reason, FormattableString.Invariant(
                $"prediction_churn: rank autocorrelation of the predictions since the last cycle {x:0.00} (baseline {baseline ?? 0:0.00}; limit a drop of {_options.AutocorrDrop:0.##})"));
        }

        if (Persisted((4 * f) + 3, frozen))
        {
            Add(ref reason, FormattableString.Invariant($"prediction_frozen: the ranking of the predictions unchanged since the last cycle (rank autocorrelation {x:0.0000}, baseline {baseline ?? 0:0.00})"));
        }

        if (known)
        {
            _autocorrelation.Add(x);
        }
    }

    /// <summary>
    /// The live rank IC of the last <see cref="DriftOptions.IcWindow"/> scored days against the model's backtest rank IC:
    /// fails when it is more than <see cref="DriftOptions.IcZ"/> Newey-West standard errors below it, once
    /// <see cref="DriftOptions.MinIcDays"/> days are scored. The window starts again with each serving model.
    /// </summary>
    private void JudgeIc(CycleMeasures m, ref StringBuilder? reason)
    {
        var check = (4 * _names.Count) + 4;
        if (m.Model != _icModel)
        {
            // A new model is judged on its own predictions only: the old one's scored days and failures leave with it.
            _ic.Clear();
            _icModel = m.Model;
            Ic = null;
            _history[check] = 0;
        }

        if (!double.IsNaN(m.LiveIc) && !double.IsNaN(m.BacktestIc) && _ic.Add(m.LiveIc) >= 2)
        {
            var (mean, se) = _ic.Summary(m.Horizon);
            Ic = new LiveIc(mean, se, _ic.Count, m.BacktestIc, (mean - m.BacktestIc) / se);
        }

        var fails = Ic is { } ic && ic.Days >= _options.MinIcDays && ic.Z < -_options.IcZ;
        if (Persisted(check, fails))
        {
            Add(ref reason, FormattableString.Invariant(
                $"live_ic_below_backtest: live rank IC {Ic!.Mean:0.000} over {Ic.Days} days (Newey-West se {Ic.StandardError:0.000}) vs the model's backtest {Ic.Backtest:0.000}: z {Ic.Z:0.0}, limit -{_options.IcZ:0.##}"));
        }
    }

    /// <summary>Records this cycle's outcome of check <paramref name="check"/>; true when it failed often enough to count.</summary>
    private bool Persisted(int check, bool failed)
    {
        _history[check] = ((_history[check] << 1) | (failed ? 1u : 0u)) & _mask;
        return BitOperations.PopCount(_history[check]) >= _options.Persist;
    }

    /// <summary>
    /// How far a share rose above its baseline, as a share of what could still rise: (x - b) / (1 - b). A stuck feature
    /// scores 1 whether it normally changes on every symbol or (a sector rank) on a third of them; 0 when the baseline is 1.
    /// </summary>
    private static double Excess(double share, double baseline) => baseline >= 1 ? 0 : (share - baseline) / (1 - baseline);

    private double? Baseline(Trail trail) => trail.Count < _options.MinBaseline ? null : trail.Median(_scratch);

    /// <summary>Adds a failing check to the reason; after <see cref="NamedChecks"/> of them, only counts the rest.</summary>
    private void Add(ref StringBuilder? reason, string text)
    {
        reason ??= new StringBuilder();
        if (_named++ < NamedChecks)
        {
            reason.Append(reason.Length > 0 ? "; " : "").Append(text);
        }
    }

    private static Trail[] Trails(int count, int length)
    {
        var trails = new Trail[count];
        for (var i = 0; i < count; i++)
        {
            trails[i] = new Trail(length);
        }

        return trails;
    }

    /// <summary>The last values of one figure, in a ring.</summary>
    private sealed class Trail(int length)
    {
        private readonly double[] _values = new double[length];
        private int _next;

        public int Count { get; private set; }

        public void Add(double value)
        {
            _values[_next] = value;
            _next = (_next + 1) % _values.Length;
            Count = Math.Min(Count + 1, _values.Length);
        }

        public double Median(double[] scratch)
        {
            var span = scratch.AsSpan(0, Count);
            _values.AsSpan(0, Count).CopyTo(span);
            span.Sort();
            return Count % 2 == 1 ? span[Count / 2] : (span[(Count / 2) - 1] + span[Count / 2]) / 2.0;
        }
    }
}

/// <summary>The live rank IC as judged: mean over <paramref name="Days"/> scored days, its Newey-West standard error, the backtest's, and the z of the difference.</summary>
internal sealed record LiveIc(double Mean, double StandardError, int Days, double Backtest, double Z);
