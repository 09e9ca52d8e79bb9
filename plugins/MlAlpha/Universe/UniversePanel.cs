using System.Runtime.CompilerServices;
using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Features;

namespace AlphaHost.Plugins.MlAlpha.Universe;

/// <summary>
/// Every symbol's valid feature rows, grouped by date (oldest first) and normalised across the symbols of each date with
/// a <see cref="CrossSectionalTransform"/>, with the targets a pooled model learns and is scored on: the forward simple
/// return over the horizon, its rank among the date's symbols (the label, in [-0.5, 0.5]) and the next day's return.
/// A row whose symbol has no bar <c>horizon</c> bars ahead has no label (NaN); it still counts in its date's transform,
/// as it would live.
/// The panel keeps no copy of the features: its rows are the feature matrices' own rows, normalised in place (a copy
/// would hold every feature row twice at the peak of <c>train</c>).
/// </summary>
internal sealed class UniversePanel
{
    private readonly FeatureMatrix[] _matrices;

    private UniversePanel(DateOnly[] dates, int[] firsts, FeatureMatrix[] matrices, int[] bar, float[] label, float[] forward, float[] next, int[] symbol, string[] symbols, float[][] rawSample)
    {
        Dates = dates;
        First = firsts;
        _matrices = matrices;
        Bar = bar;
        Label = label;
        Forward = forward;
        Next = next;
        Symbol = symbol;
        Symbols = symbols;
        RawSample = rawSample;
    }

    /// <summary>The dates with at least one valid row, oldest first.</summary>
    public DateOnly[] Dates { get; }

    /// <summary>Rows of date d are <c>First[d] .. First[d + 1] - 1</c>.</summary>
    public int[] First { get; }

    /// <summary>Each row's index in its symbol's feature matrix.</summary>
    public int[] Bar { get; }

    /// <summary>The forward return's rank among the date's labelled rows, scaled to [-0.5, 0.5]; NaN without a forward bar.</summary>
    public float[] Label { get; }

    /// <summary>close[t + horizon] / close[t] - 1; NaN without that bar.</summary>
    public float[] Forward { get; }

    /// <summary>close[t + 1] / close[t] - 1; NaN without a next bar.</summary>
    public float[] Next { get; }

    /// <summary>Each row's symbol, an index into <see cref="Symbols"/>.</summary>
    public int[] Symbol { get; }

    public string[] Symbols { get; }

    /// <summary>Raw (untransformed) rows, an evenly spaced sample of at most <see cref="MaxRawSample"/>: the drift reference is taken from them.</summary>
    public float[][] RawSample { get; private set; }

    /// <summary>The raw sample, which the panel then no longer holds (so that it can be let go before a fit).</summary>
    public float[][] TakeRawSample()
    {
        var sample = RawSample;
        RawSample = [];
        return sample;
    }

    public const int MaxRawSample = 200_000;

    public int Rows => Symbol.Length;

    /// <summary>The row's normalised features, in contract order.</summary>
    public ReadOnlySpan<float> Row(int row) => _matrices[Symbol[row]].Row(Bar[row]);

    /// <summary>The given rows as arrays, each copied when it is read (what a trainer's data view takes), never all at once.</summary>
    public IReadOnlyList<float[]> Copies(IReadOnlyList<int> rows) => new RowCopies(this, rows);

    /// <summary>
    /// Adds to <paramref name="into"/> the feature rows of <paramref name="date"/> the panel left out because a feature
    /// was not finite, of the given symbols (indexes into <see cref="Symbols"/>) with a bar that day: what a live cycle
    /// passes on as the modelled symbols without valid features.
    /// </summary>
    public void InvalidRowsOn(DateOnly date, IEnumerable<int> symbols, List<float[]> into)
    {
        foreach (var s in symbols)
        {
            var matrix = _matrices[s];
            var (low, high) = (0, matrix.Rows - 1);
            while (low <= high)
            {
                var mid = (low + high) / 2;
                var c = matrix.Dates[mid].CompareTo(date);
                if (c == 0)
                {
                    if (!matrix.IsValid(mid))
                    {
                        into.Add(matrix.Row(mid).ToArray());
                    }

                    break;
                }

                (low, high) = c < 0 ? (mid + 1, high) : (low, mid - 1);
            }
        }
    }

    /// <summary>The row range of the dates in [<paramref name="from"/>, <paramref name="to"/>) (date indexes).</summary>
    public (int Start, int End) RowsOf(int from, int to) => (First[from], First[to]);

    /// <param name="matrices">The symbols' features. With a transform their valid rows are overwritten by the normalised
    /// values: the panel owns the matrices from then on.</param>
    /// <param name="transformName">The cross-sectional transform; null keeps the raw rows (what per-symbol models see).</param>
    public static UniversePanel Build(IReadOnlyList<SymbolHistory> histories, IReadOnlyDictionary<string, FeatureMatrix> matrices, int horizon, string? transformName)
    {
        var symbols = histories.Select(h => h.Symbol).ToArray();
        var bySymbol = symbols.Select(s => matrices[s]).ToArray();

        // Rows grouped by date (oldest first), within a date in the symbols' order: counted per calendar day, then placed.
        var (firstDay, lastDay) = (int.MaxValue, int.MinValue);
        foreach (var matrix in bySymbol)
        {
            if (matrix.Rows > 0)
            {
                firstDay = Math.Min(firstDay, matrix.Dates[0].DayNumber);
                lastDay = Math.Max(lastDay, matrix.Dates[matrix.Rows - 1].DayNumber);
            }
        }

        var rowsOfDay = new int[Math.Max(0, lastDay - firstDay + 1)];
        foreach (var matrix in bySymbol)
        {
            for (var t = 0; t < matrix.Rows; t++)
            {
                if (matrix.IsValid(t))
                {
                    rowsOfDay[matrix.Dates[t].DayNumber - firstDay]++;
                }
            }
        }

        var dates = new List<DateOnly>();
        var firstsOfDates = new List<int> { 0 };
        var dateOfDay = new int[rowsOfDay.Length];
        for (var day = 0; day < rowsOfDay.Length; day++)
        {
            if (rowsOfDay[day] > 0)
            {
                dateOfDay[day] = dates.Count;
                dates.Add(DateOnly.FromDayNumber(firstDay + day));
                firstsOfDates.Add(firstsOfDates[^1] + rowsOfDay[day]);
            }
        }

        var firsts = firstsOfDates.ToArray();
        var total = firsts[^1];
        var barOf = new int[total];
        var symbolOf = new int[total];
        var next = firsts[..^1];
        for (var s = 0; s < bySymbol.Length; s++)
        {
            var matrix = bySymbol[s];
            for (var t = 0; t < matrix.Rows; t++)
            {
                if (matrix.IsValid(t))
                {
                    var row = next[dateOfDay[matrix.Dates[t].DayNumber - firstDay]]++;
                    barOf[row] = t;
                    symbolOf[row] = s;
                }
            }
        }

        var label = new float[total];
        var forward = new float[total];
        var nextDay = new float[total];
        var step = Math.Max(1, total / MaxRawSample);
        var raw = new float[total == 0 ? 0 : Math.Min(((total - 1) / step) + 1, MaxRawSample)][];

        // Dates are independent (each normalises and ranks its own rows), so they run on every core.
        Parallel.For(0, dates.Count, () => new DateWork(transformName), (d, _, work) =>
        {
            work.Build(d, firsts, histories, bySymbol, barOf, symbolOf, horizon, step, label, forward, nextDay, raw);
            return work;
        }, _ => { });

        return new UniversePanel(dates.ToArray(), firsts, bySymbol, barOf, label, forward, nextDay, symbolOf, symbols, raw);
    }

    /// <summary>One thread's buffers for building dates: the transform's rows and the labels' ranks.</summary>
    private sealed class DateWork(string? transformName)
    {
        private readonly CrossSectionalTransform? _transform = transformName is null ? null : CrossSectionalTransform.Create(transformName);
        private readonly List<float[]> _input = [];
        private readonly List<float[]> _output = [];
        private readonly List<(float[] In, float[] Out)> _buffers = [];
        private readonly List<int> _labelled = [];
        private double[] _returns = [];
        private double[] _ranks = [];

        /// <summary>Targets, labels, raw sample and normalised features of date <paramref name="d"/>'s rows.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Build(int d, int[] firsts, IReadOnlyList<SymbolHistory> histories, FeatureMatrix[] bySymbol, int[] barOf, int[] symbolOf,
            int horizon, int step, float[] label, float[] forward, float[] next, float[][] raw)
        {
            _input.Clear();
            _output.Clear();
            _labelled.Clear();
            for (var row = firsts[d]; row < firsts[d + 1]; row++)
            {
                var (s, t) = (symbolOf[row], barOf[row]);
                var bars = histories[s].Bars.Span;
                var values = bySymbol[s].Row(t);
                if (_transform is not null)
                {
                    if (_input.Count == _buffers.Count)
                    {
                        _buffers.Add((new float[values.Length], new float[values.Length]));
                    }

                    var (rawRow, normalised) = _buffers[_input.Count];
                    values.CopyTo(rawRow);
                    _input.Add(rawRow);
                    _output.Add(normalised);
                }

                forward[row] = t + horizon < bars.Length ? (float)((bars[t + horizon].Close / bars[t].Close) - 1.0) : float.NaN;
                next[row] = t + 1 < bars.Length ? (float)((bars[t + 1].Close / bars[t].Close) - 1.0) : float.NaN;
                label[row] = float.NaN;
                if (float.IsFinite(forward[row]))
                {
                    _labelled.Add(row);
                }

                if (row % step == 0 && row / step < raw.Length)
                {
                    raw[row / step] = values.ToArray();
                }
            }

            if (_transform is not null)
            {
                _transform.Apply(_input, _output);
                for (var i = 0; i < _output.Count; i++)
                {
                    var row = firsts[d] + i;
                    _output[i].CopyTo(bySymbol[symbolOf[row]].WritableRow(barOf[row]));
                }
            }

            var n = _labelled.Count;
            if (_returns.Length < n)
            {
                _returns = new double[n];
                _ranks = new double[n];
            }

            for (var i = 0; i < n; i++)
            {
                _returns[i] = forward[_labelled[i]];
            }

            CrossSection.AverageRanks(_returns.AsSpan(0, n), _ranks);
            for (var i = 0; i < n; i++)
            {
                label[_labelled[i]] = n < 2 ? 0f : (float)((_ranks[i] / (n - 1)) - 0.5);
            }
        }
    }

    private sealed class RowCopies(UniversePanel panel, IReadOnlyList<int> rows) : IReadOnlyList<float[]>, Models.LightGbmModel.IRowSource
    {
        public int Count => rows.Count;

        public void CopyRow(int index, Span<float> destination) => panel.Row(rows[index]).CopyTo(destination);

        public float[] this[int index] => panel.Row(rows[index]).ToArray();

        public IEnumerator<float[]> GetEnumerator()
        {
            for (var i = 0; i < rows.Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
