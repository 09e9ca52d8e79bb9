using AlphaHost.Abstractions;

namespace AlphaHost.Tests.Families.MlAlpha;

/// <summary>
/// Straightforward implementations of the ml_v1 definitions (and, through <see cref="PriceVolumeReference"/>, of the
/// ones ml_v2 adds), recomputing every window from scratch at row t: slow, obviously right, and independent of the
/// pipeline's O(1) kernels they check.
/// </summary>
internal static class FeatureReference
{
    public static double Compute(string feature, Bar[] bars, int t, double[] marketReturns)
    {
        double Close(int i) => bars[i].Close;
        double[] LogReturns(int n) => Enumerable.Range(t - n + 1, n).Select(i => Math.Log(Close(i) / Close(i - 1))).ToArray();
        double[] Closes(int n) => Enumerable.Range(t - n + 1, n).Select(Close).ToArray();

        return feature switch
        {
            "ret_1d" => (Close(t) / Close(t - 1)) - 1,
            "ret_5d" => (Close(t) / Close(t - 5)) - 1,
            "ret_10d" => (Close(t) / Close(t - 10)) - 1,
            "ret_20d" => (Close(t) / Close(t - 20)) - 1,
            "ret_60d" => (Close(t) / Close(t - 60)) - 1,
            "vol_5d" => SampleSd(LogReturns(5)),
            "vol_20d" => SampleSd(LogReturns(20)),
            "vol_60d" => SampleSd(LogReturns(60)),
            "atr_14_pct" => Atr(bars, t) / Close(t),
            "hl_range_1d" => (bars[t].High - bars[t].Low) / Close(t),
            "skew_60" => Skew(LogReturns(60)),
            "kurt_60" => Kurt(LogReturns(60)),
            "rsi_14" => Rsi(bars, t),
            "macd_norm" => Macd(bars, t).Line / Close(t),
            "macd_signal_norm" => Macd(bars, t).Signal / Close(t),
            "macd_hist_norm" => (Macd(bars, t).Line - Macd(bars, t).Signal) / Close(t),
            "bb_pctb_20" => (Close(t) - (Closes(20).Average() - (2 * PopulationSd(Closes(20))))) / (4 * PopulationSd(Closes(20))),
            "bb_width_20" => 4 * PopulationSd(Closes(20)) / Closes(20).Average(),
            "stoch_k_14" => 100 * (Close(t) - Lows(bars, t, 14).Min()) / (Highs(bars, t, 14).Max() - Lows(bars, t, 14).Min()),
            "sma_ratio_10_50" => (Closes(10).Average() / Closes(50).Average()) - 1,
            "zscore_20" => (Close(t) - Closes(20).Average()) / PopulationSd(Closes(20)),
            "dist_high_60" => (Close(t) / Highs(bars, t, 60).Max()) - 1,
            "dist_low_60" => (Close(t) / Lows(bars, t, 60).Min()) - 1,
            "volume_z_20" => (bars[t].Volume - Volumes(bars, t, 20).Average()) / PopulationSd(Volumes(bars, t, 20)),
            "dollar_volume_log_20" => Math.Log(Enumerable.Range(t - 19, 20).Average(i => bars[i].Close * bars[i].Volume)),
            "obv_slope_20" => ObvSlope(bars, t),
            "beta_60" => Beta(bars, t, marketReturns),
            _ => PriceVolumeReference.Compute(feature, bars, t, marketReturns),
        };
    }

    private static double[] Highs(Bar[] bars, int t, int n) => bars[(t - n + 1)..(t + 1)].Select(b => b.High).ToArray();

    private static double[] Lows(Bar[] bars, int t, int n) => bars[(t - n + 1)..(t + 1)].Select(b => b.Low).ToArray();

    private static double[] Volumes(Bar[] bars, int t, int n) => bars[(t - n + 1)..(t + 1)].Select(b => b.Volume).ToArray();

    private static double SampleSd(double[] x)
    {
        var mean = x.Average();
        return Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1));
    }

    private static double PopulationSd(double[] x)
    {
        var mean = x.Average();
        return Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / x.Length);
    }

    private static double Skew(double[] x)
    {
        double n = x.Length;
        var mean = x.Average();
        var m2 = x.Sum(v => Math.Pow(v - mean, 2)) / n;
        var m3 = x.Sum(v => Math.Pow(v - mean, 3)) / n;
        return Math.Sqrt(n * (n - 1)) / (n - 2) * m3 / Math.Pow(m2, 1.5);
    }

    private static double Kurt(double[] x)
    {
        double n = x.Length;
        var mean = x.Average();
        var s2 = x.Sum(v => Math.Pow(v - mean, 2));
        var s4 = x.Sum(v => Math.Pow(v - mean, 4));
        // pandas' formula for the adjusted excess kurtosis.
        return (n * (n + 1) * (n - 1) * s4 / ((n - 2) * (n - 3) * s2 * s2)) - (3 * (n - 1) * (n - 1) / ((n - 2) * (n - 3)));
    }

    private static double Atr(Bar[] bars, int t)
    {
        var tr = Enumerable.Range(1, t).Select(i => Math.Max(bars[i].High - bars[i].Low,
            Math.Max(Math.Abs(bars[i].High - bars[i - 1].Close), Math.Abs(bars[i].Low - bars[i - 1].Close)))).ToArray();
        var atr = tr.Take(14).Average();
        foreach (var value in tr.Skip(14))
        {
            atr = ((atr * 13) + value) / 14;
        }

        return atr;
    }

    private static double Rsi(Bar[] bars, int t)
    {
        var changes = Enumerable.Range(1, t).Select(i => bars[i].Close - bars[i - 1].Close).ToArray();
        var gain = changes.Take(14).Average(c => Math.Max(c, 0));
        var loss = changes.Take(14).Average(c => Math.Max(-c, 0));
        foreach (var c in changes.Skip(14))
        {
            gain = ((gain * 13) + Math.Max(c, 0)) / 14;
            loss = ((loss * 13) + Math.Max(-c, 0)) / 14;
        }

        return loss == 0 ? 100 : 100 - (100 / (1 + (gain / loss)));
    }

    private static (double Line, double Signal) Macd(Bar[] bars, int t)
    {
        double ema12 = bars[0].Close, ema26 = bars[0].Close, signal = 0;
        for (var i = 0; i <= t; i++)
        {
            ema12 += 2.0 / 13 * (bars[i].Close - ema12);
            ema26 += 2.0 / 27 * (bars[i].Close - ema26);
            signal = i == 0 ? ema12 - ema26 : signal + (2.0 / 10 * (ema12 - ema26 - signal));
        }

        return (ema12 - ema26, signal);
    }

    private static double ObvSlope(Bar[] bars, int t)
    {
        var obv = new double[t + 1];
        for (var i = 1; i <= t; i++)
        {
            obv[i] = obv[i - 1] + Math.Sign(bars[i].Close - bars[i - 1].Close) * bars[i].Volume;
        }

        var y = obv[(t - 19)..(t + 1)];
        var meanX = 9.5;
        var meanY = y.Average();
        var slope = Enumerable.Range(0, 20).Sum(i => (i - meanX) * (y[i] - meanY)) / Enumerable.Range(0, 20).Sum(i => (i - meanX) * (i - meanX));
        return slope / Volumes(bars, t, 20).Average();
    }

    private static double Beta(Bar[] bars, int t, double[] marketReturns)
    {
        var asset = Enumerable.Range(t - 59, 60).Select(i => (bars[i].Close / bars[i - 1].Close) - 1).ToArray();
        var market = marketReturns[(t - 59)..(t + 1)];
        var ma = asset.Average();
        var mm = market.Average();
        var covariance = Enumerable.Range(0, 60).Sum(i => (asset[i] - ma) * (market[i] - mm)) / 59;
        return covariance / (market.Sum(m => (m - mm) * (m - mm)) / 59);
    }
}
