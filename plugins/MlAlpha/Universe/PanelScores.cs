using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Plugins.MlAlpha.Training;

namespace AlphaHost.Plugins.MlAlpha.Universe;

/// <summary>Predictions over a panel's rows and the daily cross-sectional correlations a pooled model is judged by.</summary>
internal static class PanelScores
{
    /// <summary>Predictions of rows [<paramref name="start"/>, <paramref name="end"/>) on every core (the compiled trees are thread-safe).</summary>
    public static double[] Predict(LightGbmModel model, UniversePanel panel, int start, int end) =>
        Predict(model, panel, Enumerable.Range(start, end - start).ToArray());

    /// <summary>Predictions of the given rows, in their order, on every core.</summary>
    public static double[] Predict(LightGbmModel model, UniversePanel panel, IReadOnlyList<int> rows)
    {
        var result = new double[rows.Count];
        if (model.Compiled is { } trees)
        {
            Parallel.For(0, rows.Count, i => result[i] = trees.Predict(panel.Row(rows[i])));
            return result;
        }

        var predicted = model.PredictMany(panel.Copies(rows));
        for (var i = 0; i < predicted.Length; i++)
        {
            result[i] = predicted[i];
        }

        return result;
    }

    /// <summary>
    /// Per date of [<paramref name="fromDate"/>, <paramref name="toDate"/>), the Pearson (IC) and Spearman (rank IC)
    /// correlation of the scores with the target among the date's rows with a finite target (dates with fewer than 3 are left out,
    /// and so is a date whose scores or targets are all equal: it has no correlation, it is not one of 0).
    /// </summary>
    /// <param name="scores">Scores of the rows from the first row of <paramref name="fromDate"/> on.</param>
    public static (List<double> Ic, List<double> RankIc) Daily(UniversePanel panel, int fromDate, int toDate, double[] scores, float[] target)
    {
        var ic = new List<double>();
        var rankIc = new List<double>();
        var offset = panel.First[fromDate];
        var x = new List<double>();
        var y = new List<double>();
        for (var d = fromDate; d < toDate; d++)
        {
            x.Clear();
            y.Clear();
            for (var r = panel.First[d]; r < panel.First[d + 1]; r++)
            {
                if (float.IsFinite(target[r]))
                {
                    x.Add(scores[r - offset]);
                    y.Add(target[r]);
                }
            }

            if (x.Count >= 3)
            {
                AddFinite(ic, CrossSection.Pearson(x, y));
                AddFinite(rankIc, CrossSection.Spearman(x, y));
            }
        }

        return (ic, rankIc);
    }

    private static void AddFinite(List<double> values, double value)
    {
        if (double.IsFinite(value))
        {
            values.Add(value);
        }
    }

    public static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Average();
}
