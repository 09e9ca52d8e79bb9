namespace AlphaHost.Plugins.MlAlpha.Drift;

/// <summary>
/// Population stability of the live features against each model's training distribution. Every live row is bucketed by
/// its own model's training deciles, and the buckets are pooled over the symbols and the last <c>window</c> cycles; the
/// PSI of a feature is sum((live - train) * ln(live / train)) over its buckets. Without drift each bucket holds its
/// training share whatever the symbol, so pooling keeps the check meaningful with one model per symbol. Totals are kept
/// running (a cycle's counts added when it ends, dropped when it leaves the window), so a cycle costs O(rows x features).
/// </summary>
internal sealed class DriftMonitor(int features, int window)
{
    private const int Buckets = DriftReference.Buckets;
    private const double Floor = 1e-4;
    private readonly Queue<(long[] Live, double[] Expected, long Rows)> _cycles = new();
    private readonly long[] _liveTotal = new long[features * Buckets];
    private readonly double[] _expectedTotal = new double[features * Buckets];
    private long[] _live = new long[features * Buckets];
    private double[] _expected = new double[features * Buckets];
    private long _rows;
    private long _rowsTotal;

    /// <summary>Pooled rows needed before drift is reported at all.</summary>
    public int MinRows { get; init; } = 1000;

    public void Add(DriftReference? reference, ReadOnlySpan<float> values)
    {
        if (reference is null)
        {
            return;
        }

        var proportions = reference.Proportions;
        for (var f = 0; f < features; f++)
        {
            _live[(f * Buckets) + reference.Bucket(f, values[f])]++;
            var at = f * Buckets;
            for (var b = 0; b < Buckets; b++)
            {
                _expected[at + b] += proportions[at + b];
            }
        }

        _rows++;
    }

    /// <summary>Closes a cycle: it joins the totals, and the oldest cycle beyond the window leaves them.</summary>
    public void EndCycle()
    {
        Accumulate(_live, _expected, _rows, +1);
        _cycles.Enqueue((_live, _expected, _rows));
        while (_cycles.Count > window)
        {
            var (live, expected, rows) = _cycles.Dequeue();
            Accumulate(live, expected, rows, -1);
        }

        _live = new long[features * Buckets];
        _expected = new double[features * Buckets];
        _rows = 0;
    }

    /// <summary>PSI per feature (contract order) over the window; null while fewer than <see cref="MinRows"/> rows are pooled.</summary>
    public double[]? Psi()
    {
        if (_rowsTotal < MinRows)
        {
            return null;
        }

        var result = new double[features];
        for (var f = 0; f < features; f++)
        {
            var psi = 0.0;
            for (var b = 0; b < Buckets; b++)
            {
                var i = (f * Buckets) + b;
                var live = Math.Max(_liveTotal[i] / (double)_rowsTotal, Floor);
                var expected = Math.Max(_expectedTotal[i] / _rowsTotal, Floor);
                psi += (live - expected) * Math.Log(live / expected);
            }

            result[f] = psi;
        }

        return result;
    }

    private void Accumulate(long[] live, double[] expected, long rows, int sign)
    {
        for (var i = 0; i < live.Length; i++)
        {
            _liveTotal[i] += sign * live[i];
            _expectedTotal[i] += sign * expected[i];
        }

        _rowsTotal += sign * rows;
    }
}
