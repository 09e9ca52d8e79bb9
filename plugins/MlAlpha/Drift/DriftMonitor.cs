namespace AlphaHost.Plugins.MlAlpha.Drift;

/// <summary>
/// Population stability of the live features against each model's training distribution. Every live row is bucketed by
/// its own model's training deciles, and the buckets are pooled over the symbols and the last <c>window</c> cycles; the
/// PSI of a feature is sum((live - train) * ln(live / train)) over its buckets. Without drift each bucket holds its
/// training share whatever the symbol, so pooling keeps the check meaningful with one model per symbol. Totals are kept
/// running (a cycle's counts added when it ends, dropped when it leaves the window), so a cycle costs O(rows x features).
/// The window's per-cycle counts live in a ring allocated once: a cycle allocates nothing.
/// </summary>
internal sealed class DriftMonitor
{
    private const int Buckets = DriftReference.Buckets;
    private const double Floor = 1e-4;
    private readonly int _features;
    private readonly long[][] _liveRing;
    private readonly double[][] _expectedRing;
    private readonly long[] _rowsRing;
    private readonly long[] _liveTotal;
    private readonly double[] _expectedTotal;
    private int _slot;
    private int _filled;
    private long _rowsTotal;

    /// <param name="features">Features per row.</param>
    /// <param name="window">Cycles pooled.</param>
    public DriftMonitor(int features, int window)
    {
        _features = features;
        _liveRing = new long[window + 1][];
        _expectedRing = new double[window + 1][];
        for (var i = 0; i <= window; i++)
        {
            _liveRing[i] = new long[features * Buckets];
            _expectedRing[i] = new double[features * Buckets];
        }

        _rowsRing = new long[window + 1];
        _liveTotal = new long[features * Buckets];
        _expectedTotal = new double[features * Buckets];
    }

    /// <summary>Pooled rows needed before drift is reported at all.</summary>
    public int MinRows { get; init; } = 1000;

    public void Add(DriftReference? reference, ReadOnlySpan<float> values)
    {
        if (reference is null)
        {
            return;
        }

        Span<byte> buckets = stackalloc byte[_features];
        Bucket(reference, values, buckets);
        Add(reference, buckets);
    }

    /// <summary>Each feature's bucket in the row's own model's reference: pure, so it can run on any thread.</summary>
    public static void Bucket(DriftReference reference, ReadOnlySpan<float> values, Span<byte> buckets)
    {
        for (var f = 0; f < buckets.Length; f++)
        {
            buckets[f] = (byte)reference.Bucket(f, values[f]);
        }
    }

    /// <summary>Counts one row whose buckets <see cref="Bucket"/> found.</summary>
    public void Add(DriftReference? reference, ReadOnlySpan<byte> buckets)
    {
        if (reference is null)
        {
            return;
        }

        var live = _liveRing[_slot];
        for (var f = 0; f < _features; f++)
        {
            live[(f * Buckets) + buckets[f]]++;
        }

        // Every bucket's expected share of this row, added element by element (vectorized; the same sums as one by one).
        var expected = _expectedRing[_slot].AsSpan();
        System.Numerics.Tensors.TensorPrimitives.Add(expected, reference.Proportions.AsSpan(0, expected.Length), expected);
        _rowsRing[_slot]++;
    }

    /// <summary>Closes a cycle: it joins the totals, and the oldest cycle beyond the window leaves them.</summary>
    public void EndCycle()
    {
        Accumulate(_slot, +1);
        _slot = (_slot + 1) % _liveRing.Length;
        if (++_filled == _liveRing.Length)
        {
            // The slot about to be reused holds the cycle that just left the window.
            Accumulate(_slot, -1);
            _filled--;
        }

        Array.Clear(_liveRing[_slot]);
        Array.Clear(_expectedRing[_slot]);
        _rowsRing[_slot] = 0;
    }

    /// <summary>PSI per feature (contract order) over the window; null while fewer than <see cref="MinRows"/> rows are pooled.</summary>
    public double[]? Psi()
    {
        if (_rowsTotal < MinRows)
        {
            return null;
        }

        var result = new double[_features];
        for (var f = 0; f < _features; f++)
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

    private void Accumulate(int slot, int sign)
    {
        var live = _liveRing[slot];
        var expected = _expectedRing[slot];
        for (var i = 0; i < live.Length; i++)
        {
            _liveTotal[i] += sign * live[i];
            _expectedTotal[i] += sign * expected[i];
        }

        _rowsTotal += sign * _rowsRing[slot];
    }
}
