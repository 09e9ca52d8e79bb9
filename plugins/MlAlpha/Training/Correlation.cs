using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.MlAlpha.Training;

/// <summary>The validation statistics quants check a model by: IC (Pearson), rank IC (Spearman) and RMSE.</summary>
internal static class Correlation
{
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var n = x.Count;
        if (n < 2)
        {
            return double.NaN;
        }

        double mx = 0, my = 0;
        for (var i = 0; i < n; i++)
        {
            mx += x[i];
            my += y[i];
        }

        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            var dx = x[i] - mx;
            var dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }

        return sxx == 0 || syy == 0 ? 0.0 : sxy / Math.Sqrt(sxx * syy);
    }

    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y) => Pearson(CrossSection.AverageRanks(x), CrossSection.AverageRanks(y));

    public static double Rmse(IReadOnlyList<double> predicted, IReadOnlyList<double> actual)
    {
        var sum = 0.0;
        for (var i = 0; i < predicted.Count; i++)
        {
            var e = predicted[i] - actual[i];
            sum += e * e;
        }

        return predicted.Count == 0 ? double.NaN : Math.Sqrt(sum / predicted.Count);
    }
}
