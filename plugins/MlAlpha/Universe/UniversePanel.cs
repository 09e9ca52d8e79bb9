using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Features;

namespace AlphaHost.Plugins.MlAlpha.Universe;

/// <summary>
/// Every symbol's valid feature rows, grouped by date (oldest first) and normalised across the symbols of each date with
/// a <see cref="CrossSectionalTransform"/>, with the targets a pooled model learns and is scored on: the forward simple
/// return over the horizon, its rank among the date's symbols (the label, in [-0.5, 0.5]) and the next day's return.
/// A row whose symbol has no bar <c>horizon</c> bars ahead has no label (NaN); it still counts in its date's transform,
/// as it would live.
/// The panel keeps no copy of the features: its rows are the feature matrices' own rows, normalised in place (a copy of
/// ~2 M rows x 28 would add ~285 MB to the peak of <c>train</c> on 494 symbols).
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
    public float[][] RawSample { get; }

    public const int MaxRawSample = 200_000;

    public int Rows => Symbol.Length;

    /// <summary>The row's normalised features, in contract order.</summary>
    public ReadOnlySpan<float> Row(int row) => _matrices[Symbol[row]].Row(Bar[row]);

    /// <summary>The given rows as arrays, each copied when it is read (what a trainer's data view takes), never all at once.</summary>
    public IReadOnlyList<float[]> Copies(IReadOnlyList<int> rows) => new RowCopies(this, rows);

    /// <summary>The row range of the dates in [<paramref name="from"/>, <paramref name="to"/>) (date indexes).</summary>
    public (int Start, int End) RowsOf(int from, int to) => (First[from], First[to]);

    /// <param name="matrices">The symbols' features. With a transform their valid rows are overwritten by the normalised
    /// values: the panel owns the matrices from then on.</param>
    /// <param name="transformName">The cross-sectional transform; null keeps the raw rows (what per-symbol models see).</param>
    public static UniversePanel Build(IReadOnlyList<SymbolHistory> histories, IReadOnlyDictionary<string, FeatureMatrix> matrices, int horizon, string? transformName)
    {
        var byDate = new SortedDictionary<DateOnly, List<(int Symbol, int Row)>>();
        var symbols = histories.Select(h => h.Symbol).ToArray();
        var total = 0;
        for (var s = 0; s < histories.Count; s++)
        {
            var matrix = matrices[histories[s].Symbol];
            for (var t = 0; t < matrix.Rows; t++)
            {
                if (matrix.IsValid(t))
                {
                    if (!byDate.TryGetValue(matrix.Dates[t], out var list))
                    {
                        byDate[matrix.Dates[t]] = list = [];
                    }

                    list.Add((s, t));
                    total++;
                }
            }
        }

        var dates = byDate.Keys.ToArray();
        var firsts = new int[dates.Length + 1];
        var bySymbol = symbols.Select(s => matrices[s]).ToArray();
        var barOf = new int[total];
        var label = new float[total];
        var forward = new float[total];
        var next = new float[total];
        var symbolOf = new int[total];
        var step = Math.Max(1, total / MaxRawSample);
        var raw = new List<float[]>(Math.Min(total, MaxRawSample + 1));
        var transform = transformName is null ? null : CrossSectionalTransform.Create(transformName);
        var row = 0;
        var input = new List<float[]>();
        var output = new List<float[]>();
        var buffers = new List<(float[] In, float[] Out)>();
        var returns = new List<double>();
        var labelled = new List<int>();
        for (var d = 0; d < dates.Length; d++)
        {
            firsts[d] = row;
            input.Clear();
            output.Clear();
            returns.Clear();
            labelled.Clear();
            foreach (var (s, t) in byDate[dates[d]])
            {
                var bars = histories[s].Bars.Span;
                var values = bySymbol[s].Row(t);
                if (transform is not null)
                {
                    if (input.Count == buffers.Count)
                    {
                        buffers.Add((new float[values.Length], new float[values.Length]));
                    }

                    var (rawRow, normalised) = buffers[input.Count];
                    values.CopyTo(rawRow);
                    input.Add(rawRow);
                    output.Add(normalised);
                }

                barOf[row] = t;
                symbolOf[row] = s;
                forward[row] = t + horizon < bars.Length ? (float)((bars[t + horizon].Close / bars[t].Close) - 1.0) : float.NaN;
                next[row] = t + 1 < bars.Length ? (float)((bars[t + 1].Close / bars[t].Close) - 1.0) : float.NaN;
                if (float.IsFinite(forward[row]))
                {
                    labelled.Add(row);
                    returns.Add(forward[row]);
                }

                if (row % step == 0 && raw.Count < MaxRawSample)
                {
                    raw.Add(values.ToArray());
                }

                row++;
            }

            if (transform is not null)
            {
                transform.Apply(input, output);
                for (var i = 0; i < output.Count; i++)
                {
                    var r = firsts[d] + i;
                    output[i].CopyTo(bySymbol[symbolOf[r]].WritableRow(barOf[r]));
                }
            }

            for (var i = firsts[d]; i < row; i++)
            {
                label[i] = float.NaN;
            }

            var ranks = CrossSection.AverageRanks(returns);
            for (var i = 0; i < labelled.Count; i++)
            {
                label[labelled[i]] = labelled.Count < 2 ? 0f : (float)((ranks[i] / (labelled.Count - 1)) - 0.5);
            }
        }

        firsts[dates.Length] = row;
        return new UniversePanel(dates, firsts, bySymbol, barOf, label, forward, next, symbolOf, symbols, raw.ToArray());
    }

    private sealed class RowCopies(UniversePanel panel, IReadOnlyList<int> rows) : IReadOnlyList<float[]>
    {
        public int Count => rows.Count;

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
