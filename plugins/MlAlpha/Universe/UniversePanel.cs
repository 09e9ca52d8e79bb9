using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Features;

namespace AlphaHost.Plugins.MlAlpha.Universe;

/// <summary>
/// Every symbol's valid feature rows, grouped by date (oldest first) and normalised across the symbols of each date with
/// a <see cref="CrossSectionalTransform"/>, with the targets a pooled model learns and is scored on: the forward simple
/// return over the horizon, its rank among the date's symbols (the label, in [-0.5, 0.5]) and the next day's return.
/// A row whose symbol has no bar <c>horizon</c> bars ahead has no label (NaN); it still counts in its date's transform,
/// as it would live.
/// </summary>
internal sealed class UniversePanel
{
    private UniversePanel(DateOnly[] dates, int[] firsts, float[][] x, float[] label, float[] forward, float[] next, int[] symbol, string[] symbols, float[][] rawSample)
    {
        Dates = dates;
        First = firsts;
        X = x;
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

    /// <summary>The normalised feature rows, in contract order.</summary>
    public float[][] X { get; }

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

    public int Rows => X.Length;

    /// <summary>The row range of the dates in [<paramref name="from"/>, <paramref name="to"/>) (date indexes).</summary>
    public (int Start, int End) RowsOf(int from, int to) => (First[from], First[to]);

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
        var x = new float[total][];
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
                var values = matrices[symbols[s]].Row(t).ToArray();
                input.Add(values);
                var transformed = transform is null ? values : new float[values.Length];
                output.Add(transformed);
                x[row] = transformed;
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
                    raw.Add(values);
                }

                row++;
            }

            transform?.Apply(input, output);
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
        return new UniversePanel(dates, firsts, x, label, forward, next, symbolOf, symbols, raw.ToArray());
    }
}
