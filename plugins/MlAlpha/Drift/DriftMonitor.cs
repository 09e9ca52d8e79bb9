using AlphaHost.Plugins.MlAlpha.Models;

namespace AlphaHost.Plugins.MlAlpha.Drift;

/// <summary>
/// Population stability of the live features against each model's training distribution. Every live row is bucketed by
/// its own model's training deciles, and the buckets are pooled over the symbols and the last <c>window</c> cycles; the
/// PSI of a feature is sum((live - train) * ln(live / train)) over its buckets. Without drift each bucket holds its
/// training share whatever the symbol, so pooling keeps the check meaningful with one model per symbol.
/// </summary>
internal sealed class DriftMonitor(IReadOnlyList<string> features, int window)
{
    private const int Buckets = 10;
    private const double Floor = 1e-4;
    private readonly Queue<(long[] Live, double[] Expected, long Rows)> _cycles = new();
    private long[] _live = new long[features.Count * Buckets];
    private double[] _expected = new double[features.Count * Buckets];
    private long _rows;

    /// <summary>Rows pooled needed before drift is reported at all.</summary>
    public int MinRows { get; init; } = 200;

    public void Add(ServingModel model, ReadOnlySpan<float> values)
    {
        if (model.Meta?.Reference is not { } reference)
        {
            return;
        }

        for (var f = 0; f < features.Count; f++)
        {
            if (!reference.TryGetValue(features[f], out var r) || r.Proportions.Count != Buckets)
            {
                return;
            }

            _live[(f * Buckets) + r.Bucket(values[f])]++;
            for (var b = 0; b < Buckets; b++)
            {
                _expected[(f * Buckets) + b] += r.Proportions[b];
            }
        }

        _rows++;
    }

    /// <summary>Closes a cycle: the oldest cycle beyond the window is dropped.</summary>
    public void EndCycle()
    {
        _cycles.Enqueue((_live, _expected, _rows));
        _live = new long[features.Count * Buckets];
        _expected = new double[features.Count * Buckets];
        _rows = 0;
        while (_cycles.Count > window)
        {
            _cycles.Dequeue();
        }
    }

    /// <summary>PSI per feature over the window; empty while fewer than <see cref="MinRows"/> rows are pooled.</summary>
    public IReadOnlyDictionary<string, double> Psi()
    {
        var rows = _cycles.Sum(c => c.Rows);
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (rows < MinRows)
        {
            return result;
        }

        for (var f = 0; f < features.Count; f++)
        {
            var psi = 0.0;
            for (var b = 0; b < Buckets; b++)
            {
                var i = (f * Buckets) + b;
                var live = Math.Max(_cycles.Sum(c => c.Live[i]) / (double)rows, Floor);
                var expected = Math.Max(_cycles.Sum(c => c.Expected[i]) / rows, Floor);
                psi += (live - expected) * Math.Log(live / expected);
            }

            result[features[f]] = psi;
        }

        return result;
    }
}
