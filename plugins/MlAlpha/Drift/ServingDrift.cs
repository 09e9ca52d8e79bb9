using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Models;

namespace AlphaHost.Plugins.MlAlpha.Drift;

/// <summary>
/// Drift of what a model consumes and produces, checked every cycle: <see cref="ServingMeasure"/> measures the rows of
/// the symbols predicted and the model's outputs, <see cref="DriftJudge"/> compares the figures with their trailing
/// baselines, and <see cref="LiveIcMeasure"/> scores the pooled model's predictions once their label horizon has
/// passed, for the judge to set against the model's own backtest rank IC. Raw-feature PSI (<see cref="DriftMonitor"/>) is separate and, for a pooled model, informational only.
/// </summary>
internal sealed class ServingDrift
{
    private readonly ServingMeasure _measure;
    private readonly DriftJudge _judge;
    private readonly LiveIcMeasure _liveIc = new();

    public ServingDrift(IReadOnlyList<string> features, DriftOptions options)
    {
        _measure = new ServingMeasure(features.Count);
        _judge = new DriftJudge(features, options);
        Last = new CycleMeasures(features.Count);
    }

    public DriftOptions Options => _judge.Options;

    /// <summary>The last cycle's figures.</summary>
    public CycleMeasures Last { get; }

    /// <summary>Measures and judges one cycle; the DEGRADED reason, or null.</summary>
    /// <param name="symbols">The symbols predicted, row for row.</param>
    /// <param name="rows">Their raw feature rows.</param>
    /// <param name="outputs">The model's outputs in units of its training spread.</param>
    /// <param name="dropped">The rows of the modelled symbols left out this cycle because a feature was not finite (none when null).</param>
    /// <param name="snapshot">The cycle's market, whose bars give the returns realised since the predictions of earlier cycles (no live IC when null).</param>
    /// <param name="pooled">The pooled model serving, whose backtest rank IC and label horizon the live IC is judged by (no live IC when null).</param>
    public string? Observe(IReadOnlyList<string> symbols, IReadOnlyList<float[]> rows, ReadOnlySpan<double> outputs, IReadOnlyList<float[]>? dropped = null,
        MarketSnapshot? snapshot = null, ModelMetadata? pooled = null)
    {
        _measure.Measure(symbols, rows, outputs, Last, dropped);
        var scored = snapshot is not null && pooled is not null && double.IsFinite(pooled.Metrics.RankIc);
        Last.Model = scored ? pooled!.ModelSha256 : null;
        Last.BacktestIc = scored ? pooled!.Metrics.RankIc : double.NaN;
        Last.Horizon = scored ? pooled!.Label.HorizonDays : 0;
        Last.LiveIc = scored ? _liveIc.Observe(snapshot!, Last.Model, Last.Horizon, symbols, outputs) : double.NaN;
        return _judge.Judge(Last);
    }

    /// <summary>
    /// The prediction monitors' figures for the health detail, every cycle they are known:
    /// <c>prediction_autocorr=0.93 live_rank_ic=0.021 (backtest 0.035, se 0.012, 120 days)</c>; empty before.
    /// </summary>
    public string Figures()
    {
        var autocorrelation = double.IsNaN(Last.Autocorrelation) ? "" : FormattableString.Invariant($" prediction_autocorr={Last.Autocorrelation:0.00}");
        var ic = _judge.Ic is { } i
            ? FormattableString.Invariant($" live_rank_ic={i.Mean:0.000} (backtest {i.Backtest:0.000}, se {i.StandardError:0.000}, {i.Days} days)")
            : "";
        return autocorrelation + ic;
    }
}
