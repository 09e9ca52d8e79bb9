namespace AlphaHost.Plugins.MlAlpha.Signals;

/// <summary>
/// Turnover control, per symbol and trading day: an exponential smoothing of the signal (half-life in trading days),
/// then the horizon-aware holding rule: the traded signal is the mean of the last <see cref="SmoothingOptions.HoldDays"/>
/// smoothed signals, as if each day's forecast were held for that many days in equal slices (a 5-day forecast is not
/// traded as a 1-day one). Applied by the family itself, so the live cycle and every replay of it (backtests) trade the
/// same signal; the walk-forward evaluation applies it too. A second call for a date already seen replaces that day's
/// value. State lives in memory: after a restart the mean covers the days since.
/// </summary>
internal sealed class SignalSmoother(SmoothingOptions options)
{
    private readonly Dictionary<string, State> _states = new(StringComparer.Ordinal);

    public SmoothingOptions Options { get; } = options;

    public bool IsIdentity => Options.HalfLifeDays <= 0 && Options.HoldDays <= 1;

    /// <summary>The traded signal of <paramref name="symbol"/> on <paramref name="date"/> given that day's raw signal.</summary>
    public double Apply(string symbol, DateOnly date, double signal)
    {
        if (IsIdentity)
        {
            return signal;
        }

        if (!_states.TryGetValue(symbol, out var state))
        {
            _states[symbol] = state = new State(Math.Max(1, Options.HoldDays));
        }

        return state.Add(date, signal, Options.HalfLifeDays > 0 ? Math.Pow(0.5, 1.0 / Options.HalfLifeDays) : 0.0);
    }

    private sealed class State(int hold)
    {
        private readonly double[] _ring = new double[hold];
        private int _count;
        private int _next;
        private DateOnly _date;
        private bool _hasToday;
        private bool _hasPrevious;
        private double _previous;
        private double _smoothed;

        public double Add(DateOnly date, double signal, double decay)
        {
            if (_hasToday && date == _date)
            {
                // The same day again (a repeated cycle): replace its value instead of counting it twice.
                _next = (_next - 1 + _ring.Length) % _ring.Length;
                _count--;
            }
            else if (_hasToday)
            {
                _previous = _smoothed;
                _hasPrevious = true;
            }

            _smoothed = _hasPrevious ? (decay * _previous) + ((1 - decay) * signal) : signal;
            _hasToday = true;
            _date = date;
            _ring[_next] = _smoothed;
            _next = (_next + 1) % _ring.Length;
            _count = Math.Min(_count + 1, _ring.Length);
            var sum = 0.0;
            for (var i = 0; i < _count; i++)
            {
                sum += _ring[(_next - 1 - i + (2 * _ring.Length)) % _ring.Length];
            }

            return sum / _count;
        }
    }
}

/// <summary><c>families.ml_alpha.signal.*</c>: turnover control.</summary>
/// <param name="HalfLifeDays">Exponential smoothing half-life in trading days; 0 turns smoothing off.</param>
/// <param name="HoldDays">The traded signal is the mean of this many days' smoothed signals; 1 trades each day's alone.</param>
internal sealed record SmoothingOptions(double HalfLifeDays, int HoldDays);
