using System.Runtime.CompilerServices;
using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.MlAlpha.Features;

/// <summary>
/// The features ml_v2 adds to ml_v1's (in the spirit of Qlib's Alpha158): k-bar shapes, the position of the close in
/// its recent range and quantiles, bars since the recent high and low, price-volume correlations, and beta and
/// residual momentum against the benchmark. Updated bar by bar in O(1) (O(window) for the sorted quantile windows) by
/// <see cref="FeatureState"/> when a contract asks for them, so the batch and live rows agree bit for bit as for ml_v1.
/// <c>ret_20d_sector_rel</c> needs the whole sector and is filled afterwards, like <c>cross_rank_sector</c>.
/// </summary>
internal sealed class PriceVolumeState
{
    public const string SectorRelativeName = "ret_20d_sector_rel";

    /// <summary>Alpha158 guards its k-bar and range ratios with this, so a bar with high == low is not a division by zero.</summary>
    private const double Guard = 1e-12;

    /// <summary>The features this state writes, in the order <see cref="Update"/> writes them.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "kmid", "klen", "kmid2", "kup", "kup2", "klow", "klow2", "ksft",
        "close_pos_5", "close_pos_20", "close_pos_60",
        "qtlu_5", "qtld_5", "qtlu_20", "qtld_20", "qtlu_60", "qtld_60",
        "imax_20", "imin_20", "imax_60", "imin_60",
        "corr_close_lvol_20", "corr_close_lvol_60", "corr_ret_dvol_20", "corr_ret_dvol_60",
        "beta_20", "resid_mom_20", "resid_mom_60", "resid_vol_60",
        SectorRelativeName,
    ];

    private readonly RollingExtreme _closeHigh5 = new(5, highest: true);
    private readonly RollingExtreme _closeLow5 = new(5, highest: false);
    private readonly RollingExtreme _closeHigh20 = new(20, highest: true);
    private readonly RollingExtreme _closeLow20 = new(20, highest: false);
    private readonly RollingExtreme _closeHigh60 = new(60, highest: true);
    private readonly RollingExtreme _closeLow60 = new(60, highest: false);
    private readonly RollingSorted _sorted5 = new(5);
    private readonly RollingSorted _sorted20 = new(20);
    private readonly RollingSorted _sorted60 = new(60);
    private readonly RollingExtreme _high20 = new(20, highest: true);
    private readonly RollingExtreme _low20 = new(20, highest: false);
    private readonly RollingExtreme _high60 = new(60, highest: true);
    private readonly RollingExtreme _low60 = new(60, highest: false);
    private readonly RollingPairMoments _closeVolume20 = new(20);
    private readonly RollingPairMoments _closeVolume60 = new(60);
    private readonly RollingPairMoments _returnVolume20 = new(20);
    private readonly RollingPairMoments _returnVolume60 = new(60);
    private readonly RollingPairMoments _market20 = new(20);
    private readonly RollingPairMoments _market60 = new(60);
    private double _previousClose = double.NaN;
    private double _previousVolume = double.NaN;

    /// <summary>Takes the next bar and the benchmark's simple return that day (NaN when none) and writes <see cref="Names"/>, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(in Bar bar, double benchmarkReturn, Span<double> output)
    {
        var (open, high, low, close) = (bar.Open, bar.High, bar.Low, bar.Close);
        var top = Math.Max(open, close);
        var bottom = Math.Min(open, close);
        var range = high - low + Guard;
        output[0] = (close - open) / open;
        output[1] = (high - low) / open;
        output[2] = (close - open) / range;
        output[3] = (high - top) / open;
        output[4] = (high - top) / range;
        output[5] = (bottom - low) / open;
        output[6] = (bottom - low) / range;
        output[7] = ((2 * close) - high - low) / open;

        _closeHigh5.Push(close);
        _closeLow5.Push(close);
        _closeHigh20.Push(close);
        _closeLow20.Push(close);
        _closeHigh60.Push(close);
        _closeLow60.Push(close);
        output[8] = Position(close, _closeLow5, _closeHigh5);
        output[9] = Position(close, _closeLow20, _closeHigh20);
        output[10] = Position(close, _closeLow60, _closeHigh60);

        _sorted5.Push(close);
        _sorted20.Push(close);
        _sorted60.Push(close);
        output[11] = _sorted5.Quantile(0.8) / close;
        output[12] = _sorted5.Quantile(0.2) / close;
        output[13] = _sorted20.Quantile(0.8) / close;
        output[14] = _sorted20.Quantile(0.2) / close;
        output[15] = _sorted60.Quantile(0.8) / close;
        output[16] = _sorted60.Quantile(0.2) / close;

        _high20.Push(high);
        _low20.Push(low);
        _high60.Push(high);
        _low60.Push(low);
        output[17] = _high20.BarsSince / 20;
        output[18] = _low20.BarsSince / 20;
        output[19] = _high60.BarsSince / 60;
        output[20] = _low60.BarsSince / 60;

        var logVolume = Math.Log(bar.Volume + 1);
        _closeVolume20.Push(close, logVolume);
        _closeVolume60.Push(close, logVolume);
        output[21] = _closeVolume20.Correlation;
        output[22] = _closeVolume60.Correlation;

        if (!double.IsNaN(_previousClose))
        {
            var simpleReturn = (close / _previousClose) - 1.0;
            var volumeChange = Math.Log(bar.Volume / _previousVolume);
            _returnVolume20.Push(simpleReturn, volumeChange);
            _returnVolume60.Push(simpleReturn, volumeChange);
            _market20.Push(benchmarkReturn, simpleReturn);
            _market60.Push(benchmarkReturn, simpleReturn);
        }

        output[23] = _returnVolume20.Correlation;
        output[24] = _returnVolume60.Correlation;

        var beta60 = _market60.Slope;
        output[25] = _market20.Slope;
        output[26] = _market20.SumY - (beta60 * _market20.SumX);
        output[27] = _market60.SumY - (beta60 * _market60.SumX);
        output[28] = _market60.ResidualSd;
        output[29] = double.NaN;
        _previousClose = close;
        _previousVolume = bar.Volume;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Position(double close, RollingExtreme lowest, RollingExtreme highest) =>
        (close - lowest.Value) / (highest.Value - lowest.Value + Guard);
}
