using System.Runtime.CompilerServices;
using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.MlAlpha.Features;

/// <summary>
/// The one implementation of the single-symbol features: a symbol's running state, updated bar by bar in O(1)
/// (rolling sums, Wilder and EMA states, monotonic deques; no window is ever recomputed). The batch pipeline runs
/// the same updates over a whole history, so batch and live rows agree bit for bit. <c>cross_rank_sector</c>
/// needs the whole sector and is filled afterwards by <see cref="SectorRank"/>.
/// </summary>
/// <remarks>
/// <see cref="Update"/> (and the batch loop that calls it) is compiled optimized at its first call, so that a one-shot
/// command's features do not run through unoptimized first-tier code, which is most of a one-shot command's run
/// (docs/performance.md, "Offline path", measures <c>features --symbol</c> as a whole process).
/// </remarks>
internal sealed class FeatureState
{
    /// <summary>The ml_v1 features, the ones every state computes, in the order <see cref="Update"/> writes them.</summary>
    public static readonly IReadOnlyList<string> Core =
    [
        "ret_1d", "ret_5d", "ret_10d", "ret_20d", "ret_60d", "vol_5d", "vol_20d", "vol_60d", "atr_14_pct", "hl_range_1d", "skew_60",
        "kurt_60", "rsi_14", "macd_norm", "macd_signal_norm", "macd_hist_norm", "bb_pctb_20", "bb_width_20", "stoch_k_14",
        "sma_ratio_10_50", "zscore_20", "dist_high_60", "dist_low_60", "volume_z_20", "dollar_volume_log_20", "obv_slope_20",
        "beta_60", SectorRank.FeatureName,
    ];

    /// <summary>Every feature this implementation can compute, by name: <see cref="Core"/>, then <see cref="PriceVolumeState.Names"/>.</summary>
    public static readonly IReadOnlyList<string> Supported = [.. Core, .. PriceVolumeState.Names];

    private const int ObvWindow = 20;

    private readonly Ring _closes = new(61);
    private readonly RollingMoments _vol5 = new(5);
    private readonly RollingMoments _vol20 = new(20);
    private readonly RollingMoments _vol60 = new(60);
    private readonly RollingPowerSums _moments60 = new(60);
    private readonly WilderAverage _atr = new(14);
    private readonly WilderAverage _gain = new(14);
    private readonly WilderAverage _loss = new(14);
    private readonly Ema _ema12 = new(12);
    private readonly Ema _ema26 = new(26);
    private readonly Ema _signal9 = new(9);
    private readonly RollingMoments _close20 = new(20);
    private readonly RollingMoments _close10 = new(10);
    private readonly RollingMoments _close50 = new(50);
    private readonly RollingExtreme _high14 = new(14, highest: true);
    private readonly RollingExtreme _low14 = new(14, highest: false);
    private readonly RollingExtreme _high60 = new(60, highest: true);
    private readonly RollingExtreme _low60 = new(60, highest: false);
    private readonly RollingMoments _volume20 = new(20);
    private readonly RollingMoments _dollarVolume20 = new(20);
    private readonly Ring _obv = new(ObvWindow);
    private readonly RollingBeta _beta = new(60);
    private double _obvLevel;
    private double _obvSumXy;
    private double _obvSum;
    private readonly PriceVolumeState? _priceVolume;
    private double _previousClose = double.NaN;

    /// <summary>A state computing <see cref="Core"/> only, or also <see cref="PriceVolumeState.Names"/> when <paramref name="priceVolume"/>.</summary>
    /// <param name="priceVolume">Whether to compute the ml_v2 additions too; without them their places in a row are left as they were.</param>
    public FeatureState(bool priceVolume = false)
    {
        _priceVolume = priceVolume ? new PriceVolumeState() : null;
    }

    /// <summary>Bars seen so far.</summary>
    public int Bars { get; private set; }

    /// <summary>
    /// Takes the next bar and the benchmark's simple return on the same date (NaN when the benchmark has no bar that
    /// day) and writes every feature of <see cref="Supported"/> it computes, in that order, into <paramref name="output"/>;
    /// a feature without enough history is NaN, and so are <c>cross_rank_sector</c> and <c>ret_20d_sector_rel</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(in Bar bar, double benchmarkReturn, Span<double> output)
    {
        var close = bar.Close;
        var previous = _previousClose;
        var logReturn = Math.Log(close / previous);
        var simpleReturn = (close / previous) - 1.0;
        _closes.Push(close);
        Bars++;

        if (!double.IsNaN(previous))
        {
            _vol5.Push(logReturn);
            _vol20.Push(logReturn);
            _vol60.Push(logReturn);
            _moments60.Push(logReturn);
            var trueRange = Math.Max(bar.High - bar.Low, Math.Max(Math.Abs(bar.High - previous), Math.Abs(bar.Low - previous)));
            _atr.Push(trueRange);
            var change = close - previous;
            _gain.Push(Math.Max(change, 0));
            _loss.Push(Math.Max(-change, 0));
            _beta.Push(benchmarkReturn, simpleReturn);
            _obvLevel += change > 0 ? bar.Volume : change < 0 ? -bar.Volume : 0;
        }

        _ema12.Push(close);
        _ema26.Push(close);
        var macd = _ema12.Value - _ema26.Value;
        _signal9.Push(macd);
        _close10.Push(close);
        _close20.Push(close);
        _close50.Push(close);
        _high14.Push(bar.High);
        _low14.Push(bar.Low);
        _high60.Push(bar.High);
        _low60.Push(bar.Low);
        _volume20.Push(bar.Volume);
        _dollarVolume20.Push(close * bar.Volume);
        PushObv();
        _previousClose = close;

        var sd20 = Math.Sqrt(_close20.PopulationVariance);
        var sma20 = _close20.Mean;
        var volumeSd = Math.Sqrt(_volume20.PopulationVariance);
        var high14 = _high14.Value;
        var low14 = _low14.Value;
        var avgLoss = _loss.Value;

        output[0] = Return(1);
        output[1] = Return(5);
        output[2] = Return(10);
        output[3] = Return(20);
        output[4] = Return(60);
        output[5] = Math.Sqrt(_vol5.SampleVariance);
        output[6] = Math.Sqrt(_vol20.SampleVariance);
        output[7] = Math.Sqrt(_vol60.SampleVariance);
        output[8] = _atr.Value / close;
        output[9] = (bar.High - bar.Low) / close;
        output[10] = _moments60.Skewness();
        output[11] = _moments60.ExcessKurtosis();
        output[12] = double.IsNaN(avgLoss) ? double.NaN : avgLoss == 0 ? 100.0 : 100.0 - (100.0 / (1.0 + (_gain.Value / avgLoss)));
        output[13] = Bars >= 26 ? macd / close : double.NaN;
        output[14] = Bars >= 35 ? _signal9.Value / close : double.NaN;
        output[15] = Bars >= 35 ? (macd - _signal9.Value) / close : double.NaN;
        output[16] = (close - (sma20 - (2 * sd20))) / (4 * sd20);
        output[17] = 4 * sd20 / sma20;
        output[18] = 100.0 * (close - low14) / (high14 - low14);
        output[19] = (_close10.Mean / _close50.Mean) - 1.0;
        output[20] = (close - sma20) / sd20;
        output[21] = (close / _high60.Value) - 1.0;
        output[22] = (close / _low60.Value) - 1.0;
        output[23] = (bar.Volume - _volume20.Mean) / volumeSd;
        output[24] = Math.Log(_dollarVolume20.Mean);
        output[25] = ObvSlope();
        output[26] = _beta.Beta;
        output[27] = double.NaN;
        _priceVolume?.Update(bar, benchmarkReturn, output[Core.Count..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Return(int bars) => (_closes.Ago(0) / _closes.Ago(bars)) - 1.0;

    // Least-squares slope of OBV against x = 0..n-1 over the last n bars, kept in O(1): when the window slides,
    // every remaining point's x drops by one, so sum(x*y) loses sum(y) of the survivors and gains (n-1)*y_new.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PushObv()
    {
        var count = _obv.Count;
        var evicted = _obv.Push(_obvLevel);
        if (count < ObvWindow)
        {
            _obvSumXy += count * _obvLevel;
            _obvSum += _obvLevel;
            return;
        }

        _obvSumXy = _obvSumXy - (_obvSum - evicted) + ((ObvWindow - 1) * _obvLevel);
        _obvSum += _obvLevel - evicted;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double ObvSlope()
    {
        if (!_obv.Full || Bars <= ObvWindow)
        {
            return double.NaN;
        }

        const double n = ObvWindow;
        const double meanX = (n - 1) / 2.0;
        const double sumSquaredX = n * ((n * n) - 1) / 12.0;
        var slope = (_obvSumXy - (n * meanX * (_obvSum / n))) / sumSquaredX;
        var meanVolume = _volume20.Mean;
        return slope / meanVolume;
    }
}
