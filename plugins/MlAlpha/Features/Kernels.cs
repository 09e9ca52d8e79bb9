using System.Runtime.CompilerServices;

namespace AlphaHost.Plugins.MlAlpha.Features;

// The kernels' per-value methods are compiled optimized at their first call (AggressiveOptimization): a batch runs them
// ~20 times a row over 2 M rows once per command, and with tiered compilation much of that ran as first-tier code
// while their optimized versions queued behind the busy cores (a profile of ComputeBatch found much of its time there;
// docs/performance.md, "Offline path").

/// <summary>The last <c>capacity</c> values, newest addressed as 0 bars ago.</summary>
internal sealed class Ring(int capacity)
{
    private readonly double[] _values = new double[capacity];
    private int _next;

    public int Count { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; private set; }

    public bool Full
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => Count == capacity;
    }

    /// <summary>Adds a value; returns the one that fell out of the window, or NaN while the window was filling.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Push(double value)
    {
        var evicted = Full ? _values[_next] : double.NaN;
        _values[_next] = value;
        _next = _next + 1 == capacity ? 0 : _next + 1;
        Count = Math.Min(Count + 1, capacity);
        return evicted;
    }

    // Indices wrap with a compare, not a division: the rings are pushed ~20 times a row in the batch kernel.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Ago(int bars)
    {
        if (bars >= Count)
        {
            return double.NaN;
        }

        var slot = _next - 1 - bars;
        return _values[slot < 0 ? slot + capacity : slot];
    }
}

/// <summary>Mean and variance over a sliding window, updated in O(1) per value (Welford with removal).</summary>
internal sealed class RollingMoments(int window)
{
    private readonly Ring _ring = new(window);
    private double _mean;
    private double _m2;

    public bool Full
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => _ring.Full;
    }

    public double Mean
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => Full ? _mean : double.NaN;
    }

    public double PopulationVariance
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => Full ? Math.Max(_m2, 0) / window : double.NaN;
    }

    public double SampleVariance
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => Full ? Math.Max(_m2, 0) / (window - 1) : double.NaN;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Push(double value)
    {
        var count = _ring.Count;
        var evicted = _ring.Push(value);
        if (count < window)
        {
            var delta = value - _mean;
            _mean += delta / (count + 1);
            _m2 += delta * (value - _mean);
            return;
        }

        var oldMean = _mean;
        _mean += (value - evicted) / window;
        _m2 += (value - evicted) * (value - _mean + evicted - oldMean);
    }
}

/// <summary>Power sums of the last <c>window</c> values, for skewness and kurtosis in O(1) per value.</summary>
internal sealed class RollingPowerSums(int window)
{
    private readonly Ring _ring = new(window);
    private double _s1;
    private double _s2;
    private double _s3;
    private double _s4;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Push(double value)
    {
        var evicted = _ring.Push(value);
        Add(value, 1);
        if (!double.IsNaN(evicted))
        {
            Add(evicted, -1);
        }
    }

    /// <summary>Bias-adjusted sample skewness G1 (pandas <c>skew</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Skewness()
    {
        if (!_ring.Full)
        {
            return double.NaN;
        }

        double n = window;
        var (m2, m3, _) = CentralMoments();
        return m2 <= 0 ? double.NaN : Math.Sqrt(n * (n - 1)) / (n - 2) * (m3 / Math.Pow(m2, 1.5));
    }

    /// <summary>Bias-adjusted sample excess kurtosis G2 (pandas <c>kurt</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double ExcessKurtosis()
    {
        if (!_ring.Full)
        {
            return double.NaN;
        }

        double n = window;
        var (m2, _, m4) = CentralMoments();
        if (m2 <= 0)
        {
            return double.NaN;
        }

        var g2 = (m4 / (m2 * m2)) - 3.0;
        return (n - 1) / ((n - 2) * (n - 3)) * (((n + 1) * g2) + 6.0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (double M2, double M3, double M4) CentralMoments()
    {
        double n = window;
        var mean = _s1 / n;
        var e2 = _s2 / n;
        var e3 = _s3 / n;
        var e4 = _s4 / n;
        var m2 = e2 - (mean * mean);
        var m3 = e3 - (3 * mean * e2) + (2 * mean * mean * mean);
        var m4 = e4 - (4 * mean * e3) + (6 * mean * mean * e2) - (3 * mean * mean * mean * mean);
        return (m2, m3, m4);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Add(double x, int sign)
    {
        var x2 = x * x;
        _s1 += sign * x;
        _s2 += sign * x2;
        _s3 += sign * x2 * x;
        _s4 += sign * x2 * x2;
    }
}

/// <summary>
/// Beta of an asset against the market over a sliding window of return pairs: cov(asset, market) / var(market),
/// O(1) per pair; NaN while the window is not full or holds a pair with a missing return.
/// </summary>
internal sealed class RollingBeta(int window)
{
    private readonly RollingMoments _market = new(window);
    private readonly RollingMoments _asset = new(window);
    private readonly Ring _products = new(window);
    private readonly Ring _missing = new(window);
    private double _sumProducts;
    private int _missingInWindow;

    public double Beta { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; private set; } = double.NaN;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Push(double market, double asset)
    {
        var missing = !double.IsFinite(market) || !double.IsFinite(asset);
        var evictedMissing = _missing.Push(missing ? 1 : 0);
        _missingInWindow += (missing ? 1 : 0) - (double.IsNaN(evictedMissing) ? 0 : (int)evictedMissing);
        var (m, a) = missing ? (0.0, 0.0) : (market, asset);
        _market.Push(m);
        _asset.Push(a);
        var evicted = _products.Push(m * a);
        _sumProducts += (m * a) - (double.IsNaN(evicted) ? 0 : evicted);
        if (!_market.Full || _missingInWindow > 0)
        {
            Beta = double.NaN;
            return;
        }

        var covariance = (_sumProducts - (window * _market.Mean * _asset.Mean)) / (window - 1);
        Beta = covariance / _market.SampleVariance;
    }
}

/// <summary>
/// Highest (or lowest) value of the last <c>window</c>, O(1) amortized per value (monotonic deque). The deque lives in
/// a fixed ring of <c>window</c> slots (it never holds more), so pushing allocates nothing.
/// </summary>
internal sealed class RollingExtreme(int window, bool highest)
{
    private readonly long[] _indices = new long[window];
    private readonly double[] _values = new double[window];
    private int _head;
    private int _count;
    private long _index;

    public double Value
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => _index >= window ? _values[_head] : double.NaN;
    }

    /// <summary>Bars since <see cref="Value"/> was pushed (0: the newest value; on ties the newest of them); NaN until the window is full.</summary>
    public double BarsSince
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => _index >= window ? _index - 1 - _indices[_head] : double.NaN;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Push(double value)
    {
        while (_count > 0 && (highest ? _values[Slot(_count - 1)] <= value : _values[Slot(_count - 1)] >= value))
        {
            _count--;
        }

        if (_count > 0 && _indices[_head] <= _index - window)
        {
            _head = _head + 1 == window ? 0 : _head + 1;
            _count--;
        }

        var tail = Slot(_count);
        _indices[tail] = _index;
        _values[tail] = value;
        _count++;
        _index++;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Slot(int offset)
    {
        var slot = _head + offset;
        return slot >= window ? slot - window : slot;
    }
}

/// <summary>Wilder smoothing: the mean of the first <c>period</c> inputs, then (prev * (period - 1) + x) / period.</summary>
internal sealed class WilderAverage(int period)
{
    private double _sum;
    private int _count;

    public double Value { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; private set; } = double.NaN;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Push(double value)
    {
        if (_count < period)
        {
            _sum += value;
            _count++;
            Value = _count == period ? _sum / period : double.NaN;
            return;
        }

        Value = ((Value * (period - 1)) + value) / period;
    }
}

/// <summary>Exponential moving average with alpha = 2 / (span + 1), seeded with the first value (pandas adjust=False).</summary>
internal sealed class Ema(int span)
{
    private readonly double _alpha = 2.0 / (span + 1);

    public double Value { [MethodImpl(MethodImplOptions.AggressiveOptimization)] get; private set; } = double.NaN;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Push(double value) => Value = double.IsNaN(Value) ? value : Value + (_alpha * (value - Value));
}
