namespace AlphaHost.Plugins.MlAlpha.Drift;

/// <summary>
/// Drift of what a model consumes and produces, checked every cycle: <see cref="ServingMeasure"/> measures the rows of
/// the symbols predicted and the model's outputs, <see cref="DriftJudge"/> compares the figures with their trailing
/// baselines. Raw-feature PSI (<see cref="DriftMonitor"/>) is separate and, for a pooled model, informational only.
/// </summary>
internal sealed class ServingDrift
{
    private readonly ServingMeasure _measure;
    private readonly DriftJudge _judge;

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
    public string? Observe(IReadOnlyList<string> symbols, IReadOnlyList<float[]> rows, ReadOnlySpan<double> outputs, IReadOnlyList<float[]>? dropped = null)
    {
        _measure.Measure(symbols, rows, outputs, Last, dropped);
        return _judge.Judge(Last);
    }
}
