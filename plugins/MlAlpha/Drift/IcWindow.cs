namespace AlphaHost.Plugins.MlAlpha.Drift;

/// <summary>
/// The last scored days' live rank ICs, in a ring: their mean and its Newey-West standard error. Predictions scored
/// against <c>h</c>-day returns overlap by <c>h - 1</c> days from one day to the next, so daily ICs are correlated and the
/// plain s / sqrt(n) understates the noise about sqrt(h) times; the Newey-West estimator with Bartlett weights over
/// <c>h</c> lags counts those correlations (falling back to the plain variance if the weighted sum is not positive).
/// </summary>
internal sealed class IcWindow(int length)
{
    private readonly double[] _values = new double[length];
    private int _next;

    public int Count { get; private set; }

    /// <summary>Adds a day's IC; returns the days now in the window.</summary>
    public int Add(double value)
    {
        _values[_next] = value;
        _next = (_next + 1) % _values.Length;
        return Count = Math.Min(Count + 1, _values.Length);
    }

    public void Clear() => (Count, _next) = (0, 0);

    /// <summary>The mean of the window and its standard error with <paramref name="lags"/> Newey-West lags; NaN below 2 values.</summary>
    public (double Mean, double StandardError) Summary(int lags)
    {
        if (Count < 2)
        {
            return (double.NaN, double.NaN);
        }

        var mean = 0.0;
        for (var i = 0; i < Count; i++)
        {
            mean += At(i);
        }

        mean /= Count;
        var variance = Autocovariance(mean, 0);
        var weighted = variance;
        for (var lag = 1; lag <= Math.Min(lags, Count - 1); lag++)
        {
            weighted += 2 * (1 - (lag / (lags + 1.0))) * Autocovariance(mean, lag);
        }

        return (mean, Math.Sqrt((weighted > 0 ? weighted : variance) / Count));
    }

    /// <summary>The i-th value, oldest first.</summary>
    private double At(int i) => _values[(_next - Count + i + _values.Length) % _values.Length];

    private double Autocovariance(double mean, int lag)
    {
        var sum = 0.0;
        for (var i = lag; i < Count; i++)
        {
            sum += (At(i) - mean) * (At(i - lag) - mean);
        }

        return sum / Count;
    }
}
