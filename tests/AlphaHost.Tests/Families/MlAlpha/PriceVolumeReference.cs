using AlphaHost.Abstractions;

namespace AlphaHost.Tests.Families.MlAlpha;

/// <summary>
/// Straightforward implementations of the definitions ml_v2 adds to ml_v1, recomputing every window from scratch at
/// row t (sorting for quantiles, scanning for extremes, two-pass means for correlations and regressions): slow,
/// obviously right, and independent of the pipeline's rolling kernels they check.
/// </summary>
internal static class PriceVolumeReference
{
    private const double Guard = 1e-12;

    public static double Compute(string feature, Bar[] bars, int t, double[] marketReturns)
    {
        var bar = bars[t];
        var top = Math.Max(bar.Open, bar.Close);
        var bottom = Math.Min(bar.Open, bar.Close);
        var range = bar.High - bar.Low + Guard;
        var parts = feature.Split('_');
        var n = int.TryParse(parts[^1], out var window) ? window : 0;

        return feature switch
        {
            "kmid" => (bar.Close - bar.Open) / bar.Open,
            "klen" => (bar.High - bar.Low) / bar.Open,
            "kmid2" => (bar.Close - bar.Open) / range,
            "kup" => (bar.High - top) / bar.Open,
            "kup2" => (bar.High - top) / range,
            "klow" => (bottom - bar.Low) / bar.Open,
            "klow2" => (bottom - bar.Low) / range,
            "ksft" => ((2 * bar.Close) - bar.High - bar.Low) / bar.Open,
            _ when feature.StartsWith("close_pos_", StringComparison.Ordinal) =>
                (bar.Close - Closes(bars, t, n).Min()) / (Closes(bars, t, n).Max() - Closes(bars, t, n).Min() + Guard),
            _ when feature.StartsWith("qtlu_", StringComparison.Ordinal) => Quantile(Closes(bars, t, n), 0.8) / bar.Close,
            _ when feature.StartsWith("qtld_", StringComparison.Ordinal) => Quantile(Closes(bars, t, n), 0.2) / bar.Close,
            _ when feature.StartsWith("imax_", StringComparison.Ordinal) => BarsSince(bars, t, n, b => b.High, highest: true) / n,
            _ when feature.StartsWith("imin_", StringComparison.Ordinal) => BarsSince(bars, t, n, b => b.Low, highest: false) / n,
            _ when feature.StartsWith("corr_close_lvol_", StringComparison.Ordinal) =>
                Pearson(Closes(bars, t, n), Enumerable.Range(t - n + 1, n).Select(i => Math.Log(bars[i].Volume + 1)).ToArray()),
            _ when feature.StartsWith("corr_ret_dvol_", StringComparison.Ordinal) =>
                Pearson(Returns(bars, t, n), Enumerable.Range(t - n + 1, n).Select(i => Math.Log(bars[i].Volume / bars[i - 1].Volume)).ToArray()),
            "beta_20" => Regression(Market(marketReturns, t, 20), Returns(bars, t, 20)).Slope,
            "resid_mom_20" => Returns(bars, t, 20).Sum() - (Regression(Market(marketReturns, t, 60), Returns(bars, t, 60)).Slope * Market(marketReturns, t, 20).Sum()),
            "resid_mom_60" => ResidualMomentum60(bars, t, marketReturns),
            "resid_vol_60" => ResidualSd(Market(marketReturns, t, 60), Returns(bars, t, 60)),
            _ => throw new ArgumentOutOfRangeException(nameof(feature), feature, "no reference"),
        };
    }

    private static double[] Closes(Bar[] bars, int t, int n) => bars[(t - n + 1)..(t + 1)].Select(b => b.Close).ToArray();

    private static double[] Returns(Bar[] bars, int t, int n) => Enumerable.Range(t - n + 1, n).Select(i => (bars[i].Close / bars[i - 1].Close) - 1).ToArray();

    private static double[] Market(double[] marketReturns, int t, int n) => marketReturns[(t - n + 1)..(t + 1)];

    private static double Quantile(double[] values, double q)
    {
        var sorted = values.Order().ToArray();
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }

    private static double BarsSince(Bar[] bars, int t, int n, Func<Bar, double> value, bool highest)
    {
        var best = t;
        for (var i = t; i > t - n; i--)
        {
            if (highest ? value(bars[i]) > value(bars[best]) : value(bars[i]) < value(bars[best]))
            {
                best = i;
            }
        }

        return t - best;
    }

    private static double Pearson(double[] x, double[] y)
    {
        var mx = x.Average();
        var my = y.Average();
        var sxy = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        return sxy / Math.Sqrt(x.Sum(a => (a - mx) * (a - mx)) * y.Sum(b => (b - my) * (b - my)));
    }

    private static (double Slope, double Intercept) Regression(double[] x, double[] y)
    {
        var mx = x.Average();
        var my = y.Average();
        var slope = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum() / x.Sum(a => (a - mx) * (a - mx));
        return (slope, my - (slope * mx));
    }

    private static double ResidualMomentum60(Bar[] bars, int t, double[] marketReturns)
    {
        var market = Market(marketReturns, t, 60);
        var asset = Returns(bars, t, 60);
        var slope = Regression(market, asset).Slope;
        return Enumerable.Range(0, 60).Sum(i => asset[i] - (slope * market[i]));
    }

    private static double ResidualSd(double[] x, double[] y)
    {
        var (slope, intercept) = Regression(x, y);
        var residuals = x.Zip(y, (a, b) => b - intercept - (slope * a)).ToArray();
        return Math.Sqrt(residuals.Sum(e => e * e) / (residuals.Length - 2));
    }
}
