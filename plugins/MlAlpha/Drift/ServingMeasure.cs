using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.MlAlpha.Drift;

/// <summary>
/// Measures a cycle into <see cref="CycleMeasures"/>: per feature the tie share and interquartile range of the cross-section,
/// the share of symbols whose value did not change since the last cycle, the share whose whole row did not, and the
/// spread of the model's outputs and their rank autocorrelation since the last cycle; and per feature the share of the modelled symbols (the predicted rows and those left
/// out for a non-finite feature) whose value is missing or infinite. Keeps each symbol's last row (a slot per symbol,
/// allocated when a symbol is first seen); a cycle otherwise allocates nothing. Costs one sort of the cross-section per
/// feature.
/// </summary>
internal sealed class ServingMeasure(int features)
{
    /// <summary>Fewer rows than this are not measured: shares of a handful of symbols say nothing.</summary>
    public const int MinRows = 20;

    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly int[] _unchanged = new int[features];
    private readonly int[] _missing = new int[features];
    private readonly int[] _infinite = new int[features];
    private readonly List<double> _lastOutputs = [];
    private readonly List<double> _outputs = [];
    private float[] _column = [];
    private long _cycle;

    /// <summary>Measures one cycle.</summary>
    /// <param name="symbols">The symbols predicted, row for row.</param>
    /// <param name="rows">Their raw feature rows (finite), each <c>features</c> wide.</param>
    /// <param name="outputs">The model's raw outputs in units of its training spread (output / signal scale), row for row.</param>
    /// <param name="into">Receives the figures.</param>
    /// <param name="dropped">Rows of modelled symbols left out of the prediction because a feature was not finite (none when null).</param>
    public void Measure(IReadOnlyList<string> symbols, IReadOnlyList<float[]> rows, ReadOnlySpan<double> outputs, CycleMeasures into, IReadOnlyList<float[]>? dropped = null)
    {
        _cycle++;
        var n = rows.Count;
        var modelled = n + (dropped?.Count ?? 0);
        MeasureMissing(rows, dropped, modelled, into);
        if (_column.Length < n)
        {
            _column = new float[n * 2];
        }

        Array.Clear(_unchanged);
        _lastOutputs.Clear();
        _outputs.Clear();
        var seen = 0;
        var stale = 0;
        for (var i = 0; i < n; i++)
        {
            var row = rows[i];
            if (!_slots.TryGetValue(symbols[i], out var slot))
            {
                _slots[symbols[i]] = slot = new Slot(features);
            }

            if (slot.Cycle == _cycle - 1)
            {
                seen++;
                _lastOutputs.Add(slot.Output);
                _outputs.Add(outputs[i]);
                var same = 0;
                for (var f = 0; f < features; f++)
                {
                    same += BitConverter.SingleToInt32Bits(row[f]) == BitConverter.SingleToInt32Bits(slot.Last[f]) ? 1 : 0;
                }

                // A wholly unchanged row is a stale symbol (its own check), not a stuck feature: only other rows count per feature.
                for (var f = 0; f < features && same < features; f++)
                {
                    _unchanged[f] += BitConverter.SingleToInt32Bits(row[f]) == BitConverter.SingleToInt32Bits(slot.Last[f]) ? 1 : 0;
                }

                if (same == features)
                {
                    if (stale < CycleMeasures.NamedStale)
                    {
                        into.StaleSymbols[stale] = symbols[i];
                    }

                    stale++;
                }
            }

            row.AsSpan(0, features).CopyTo(slot.Last);
            slot.Output = outputs[i];
            slot.Cycle = _cycle;
        }

        into.Autocorrelation = _outputs.Count < MinRows ? double.NaN : CrossSection.Spearman(_lastOutputs, _outputs);
        if (n < MinRows)
        {
            into.Rows = 0;
            return;
        }

        into.Rows = n;
        var column = _column.AsSpan(0, n);
        for (var f = 0; f < features; f++)
        {
            for (var i = 0; i < n; i++)
            {
                column[i] = rows[i][f];
            }

            column.Sort();
            into.Ties[f] = TiedShare(column);
            into.Level[f] = (double)column[(3 * (n - 1)) / 4] - column[(n - 1) / 4];
            into.Unchanged[f] = seen - stale == 0 ? 0 : _unchanged[f] / (double)(seen - stale);
        }

        into.StaleCount = stale;
        into.StaleRows = seen == 0 ? 0 : stale / (double)seen;
        into.Dispersion = Spread(outputs);
    }

    /// <summary>Per feature, the shares of the modelled rows whose value is NaN or infinite; <see cref="CycleMeasures.Modelled"/> 0 when too few.</summary>
    private void MeasureMissing(IReadOnlyList<float[]> rows, IReadOnlyList<float[]>? dropped, int modelled, CycleMeasures into)
    {
        if (modelled < MinRows)
        {
            into.Modelled = 0;
            return;
        }

        Array.Clear(_missing);
        Array.Clear(_infinite);
        Count(rows);
        if (dropped is not null)
        {
            Count(dropped);
        }

        into.Modelled = modelled;
        for (var f = 0; f < features; f++)
        {
            into.Missing[f] = _missing[f] / (double)modelled;
            into.Infinite[f] = _infinite[f] / (double)modelled;
        }

        void Count(IReadOnlyList<float[]> of)
        {
            for (var r = 0; r < of.Count; r++)
            {
                var row = of[r];
                for (var f = 0; f < features; f++)
                {
                    _missing[f] += float.IsNaN(row[f]) ? 1 : 0;
                    _infinite[f] += float.IsInfinity(row[f]) ? 1 : 0;
                }
            }
        }
    }

    /// <summary>The share of sorted values that equal a neighbour.</summary>
    private static double TiedShare(ReadOnlySpan<float> sorted)
    {
        var tied = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if ((i > 0 && sorted[i] == sorted[i - 1]) || (i + 1 < sorted.Length && sorted[i] == sorted[i + 1]))
            {
                tied++;
            }
        }

        return tied / (double)sorted.Length;
    }

    private static double Spread(ReadOnlySpan<double> values)
    {
        if (values.Length < 2)
        {
            return double.NaN;
        }

        var mean = 0.0;
        foreach (var v in values)
        {
            mean += v;
        }

        mean /= values.Length;
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += (v - mean) * (v - mean);
        }

        return Math.Sqrt(sum / (values.Length - 1));
    }

    private sealed class Slot(int features)
    {
        public float[] Last { get; } = new float[features];

        public long Cycle { get; set; } = -1;

        /// <summary>The symbol's output of its last cycle.</summary>
        public double Output { get; set; }
    }
}
