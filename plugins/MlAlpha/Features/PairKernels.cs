using System.Runtime.CompilerServices;

namespace AlphaHost.Plugins.MlAlpha.Features;

/// <summary>
/// Means and co-moments of the last <c>window</c> (x, y) pairs, O(1) per pair, updated about the means (Welford with
/// removal) so that price levels do not cancel catastrophically. A pair with a value that is not finite counts as
/// missing: it enters as (0, 0), and every statistic is NaN while the window holds one.
/// </summary>
internal sealed class RollingPairMoments(int window)
{
    private readonly Ring _x = new(window);
    private readonly Ring _y = new(window);
    private readonly Ring _missing = new(window);
    private int _missingInWindow;
    private double _meanX;
    private double _meanY;
    private double _cxx;
    private double _cyy;
    private double _cxy;

    /// <summary>Whether the window is full and holds no missing pair.</summary>
    public bool Ready
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => _x.Full && _missingInWindow == 0;
    }

    public double SumX => Ready ? _meanX * window : double.NaN;

    public double SumY => Ready ? _meanY * window : double.NaN;

    /// <summary>Pearson correlation; NaN when either side has no variance.</summary>
    public double Correlation
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => Ready && _cxx > 0 && _cyy > 0 ? _cxy / Math.Sqrt(_cxx * _cyy) : double.NaN;
    }

    /// <summary>Least-squares slope of y on x (a beta when x is the market).</summary>
    public double Slope
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => Ready && _cxx > 0 ? _cxy / _cxx : double.NaN;
    }

    /// <summary>Standard deviation of the least-squares residuals of y on x, with n - 2 degrees of freedom.</summary>
    public double ResidualSd
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => Ready && _cxx > 0 ? Math.Sqrt(Math.Max(_cyy - (_cxy * _cxy / _cxx), 0) / (window - 2)) : double.NaN;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Push(double x, double y)
    {
        var missing = !double.IsFinite(x) || !double.IsFinite(y);
        var evictedMissing = _missing.Push(missing ? 1 : 0);
        _missingInWindow += (missing ? 1 : 0) - (double.IsNaN(evictedMissing) ? 0 : (int)evictedMissing);
        if (missing)
        {
            (x, y) = (0.0, 0.0);
        }

        var count = _x.Count;
        var oldX = _x.Push(x);
        var oldY = _y.Push(y);
        if (count < window)
        {
            var dx = x - _meanX;
            _meanX += dx / (count + 1);
            var dy = y - _meanY;
            _meanY += dy / (count + 1);
            _cxx += dx * (x - _meanX);
            _cyy += dy * (y - _meanY);
            _cxy += dx * (y - _meanY);
            return;
        }

        // Replacing (oldX, oldY) by (x, y): C' = C + (x - oldX)(y - meanY') + (oldX - meanX)(y - oldY), and alike for
        // the variances; the identity follows from C = sum(xy) - n meanX meanY.
        var changeX = x - oldX;
        var changeY = y - oldY;
        var meanX = _meanX;
        var meanY = _meanY;
        _meanX += changeX / window;
        _meanY += changeY / window;
        _cxx += changeX * (x - _meanX + oldX - meanX);
        _cyy += changeY * (y - _meanY + oldY - meanY);
        _cxy += (changeX * (y - _meanY)) + ((oldX - meanX) * changeY);
    }
}

/// <summary>The last <c>window</c> values kept sorted (O(window) per value, by binary search and a block move), for quantiles.</summary>
internal sealed class RollingSorted(int window)
{
    private readonly Ring _ring = new(window);
    private readonly double[] _sorted = new double[window];

    /// <summary>The <paramref name="q"/> quantile by linear interpolation between order statistics (numpy's default); NaN until the window is full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Quantile(double q)
    {
        if (!_ring.Full)
        {
            return double.NaN;
        }

        var position = q * (window - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, window - 1);
        return _sorted[below] + ((position - below) * (_sorted[above] - _sorted[below]));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Push(double value)
    {
        var count = _ring.Count;
        var evicted = _ring.Push(value);
        if (count == window)
        {
            var at = Array.BinarySearch(_sorted, 0, count, evicted);
            Array.Copy(_sorted, at + 1, _sorted, at, count - at - 1);
            count--;
        }

        var insert = Array.BinarySearch(_sorted, 0, count, value);
        insert = insert < 0 ? ~insert : insert;
        Array.Copy(_sorted, insert, _sorted, insert + 1, count - insert);
        _sorted[insert] = value;
    }
}
