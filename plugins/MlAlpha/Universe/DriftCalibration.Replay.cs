using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Drift;
using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Plugins.MlAlpha.Training;

namespace AlphaHost.Plugins.MlAlpha.Universe;

/// <summary>The replay under <see cref="DriftCalibration"/>: the faults it injects, a year's model and measures, and the server that serves a date as the live cycle does.</summary>
internal sealed partial class DriftCalibration
{
    private enum FaultKind
    {
        Frozen,
        Scaled,
        Stale,
        Missing,
        Shuffled,
        Held,
        Inverted,
    }

    private sealed record Fault(FaultKind Kind, int Feature, string Text);

    private sealed record Injection(DateOnly Date, string Fault, int Cycles, string? Reason);

    private sealed class Year(int number, PooledFit fit, int trainTo, int from, int to, int start)
    {
        public int Number => number;

        public PooledFit Fit => fit;

        public int TrainTo => trainTo;

        /// <summary>The year's first and past-last date indexes.</summary>
        public int From => from;

        public int To => to;

        /// <summary>The first date measured (the warm-up's).</summary>
        public int Start => start;

        public int Days => to - from;

        /// <summary>The first validation date (the model's backtest).</summary>
        public int ValidFrom { get; init; }

        /// <summary>The model's rank IC on its validation dates: what its live IC is judged against.</summary>
        public double BacktestIc { get; init; }

        /// <summary>The symbols the model was trained on (indexes into the panel's symbols): the ones it serves.</summary>
        public required int[] Universe { get; init; }

        /// <summary>Each measured date's figures, from <see cref="Start"/>.</summary>
        public List<CycleMeasures> Measures { get; } = [];
    }

    /// <summary>
    /// Serves one date as the live cycle does: the date's raw rows (with a fault applied from its first date on), the rows
    /// with a feature not finite left out and passed on as dropped (with the panel's own such rows of the model's
    /// universe), the cross-sectional transform, the pooled model, <see cref="ServingMeasure"/>; and the live rank IC of
    /// the predictions of <c>horizon</c> dates before (from <c>icFrom</c> on) against their forward returns.
    /// </summary>
    private sealed class Server(UniversePanel raw, Year year, int width, string transform, int horizon, int icFrom)
    {
        private readonly ServingMeasure _measure = new(width);
        private readonly CrossSectionalTransform _transform = CrossSectionalTransform.Create(transform);
        private readonly Dictionary<int, float[]> _lastClean = [];
        private readonly Dictionary<string, double> _lastOutputs = new(StringComparer.Ordinal);
        private readonly Dictionary<int, double> _ics = [];
        private Dictionary<int, float[]>? _held;
        private Dictionary<string, double>? _heldOutputs;

        public CycleMeasures Measure(int d, Fault? fault)
        {
            var (start, end) = raw.RowsOf(d, d + 1);
            var rows = new List<float[]>(end - start);
            var symbols = new List<string>(end - start);
            var forward = new List<double>(end - start);
            var dropped = new List<float[]>();
            if (fault is not null)
            {
                _held ??= new Dictionary<int, float[]>(_lastClean);
                _heldOutputs ??= new Dictionary<string, double>(_lastOutputs, StringComparer.Ordinal);
            }

            for (var r = start; r < end; r++)
            {
                var symbol = raw.Symbol[r];
                var row = raw.Row(r).ToArray();
                _lastClean[symbol] = (float[])row.Clone();
                if (fault is not null)
                {
                    Apply(fault, symbol, row);
                }

                if (!row.All(float.IsFinite))
                {
                    dropped.Add(row);
                    continue;
                }

                rows.Add(row);
                symbols.Add(raw.Symbols[symbol]);
                forward.Add(raw.Forward[r]);
            }

            raw.InvalidRowsOn(raw.Dates[d], year.Universe, dropped);
            var normalised = rows.Select(r => new float[r.Length]).ToList();
            _transform.Apply(rows, normalised);
            var outputs = normalised.Select(r => year.Fit.Model.Predict(r) / year.Fit.Scale).ToArray();
            for (var i = 0; i < outputs.Length; i++)
            {
                _lastOutputs[symbols[i]] = outputs[i];
            }

            switch (fault?.Kind)
            {
                case FaultKind.Shuffled:
                    new Random(d).Shuffle(outputs);
                    break;
                case FaultKind.Held:
                    for (var i = 0; i < outputs.Length; i++)
                    {
                        outputs[i] = _heldOutputs!.GetValueOrDefault(symbols[i], outputs[i]);
                    }

                    break;
                case FaultKind.Inverted:
                    for (var i = 0; i < outputs.Length; i++)
                    {
                        outputs[i] = -outputs[i];
                    }

                    break;
            }

            var measures = new CycleMeasures(width);
            _measure.Measure(symbols, rows, outputs, measures, dropped);
            if (d >= icFrom)
            {
                _ics[d] = Ic(outputs, forward);
            }

            measures.LiveIc = _ics.Remove(d - horizon, out var ic) ? ic : double.NaN;
            measures.BacktestIc = year.BacktestIc;
            measures.Horizon = horizon;
            measures.Model = fault?.Kind == FaultKind.Inverted ? $"{year.Number} inverted" : $"{year.Number}";
            return measures;
        }

        private void Apply(Fault fault, int symbol, float[] row)
        {
            if (_held!.TryGetValue(symbol, out var held))
            {
                switch (fault.Kind)
                {
                    case FaultKind.Frozen:
                        row[fault.Feature] = held[fault.Feature];
                        break;
                    case FaultKind.Stale when symbol % 10 == 0:
                        held.CopyTo(row, 0);
                        break;
                }
            }

            switch (fault.Kind)
            {
                case FaultKind.Scaled:
                    row[fault.Feature] *= 10;
                    break;
                case FaultKind.Missing when symbol % 5 == 0:
                    row[fault.Feature] = float.NaN;
                    break;
            }
        }

        /// <summary>The rank IC of a date's outputs against the forward returns of its rows that have one, as the live check scores it.</summary>
        private static double Ic(double[] outputs, List<double> forward)
        {
            var (x, y) = (new List<double>(outputs.Length), new List<double>(outputs.Length));
            for (var i = 0; i < outputs.Length; i++)
            {
                if (double.IsFinite(forward[i]))
                {
                    x.Add(outputs[i]);
                    y.Add(forward[i]);
                }
            }

            return x.Count < ServingMeasure.MinRows ? double.NaN : CrossSection.Spearman(x, y);
        }
    }
}
