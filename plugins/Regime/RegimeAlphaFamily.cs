using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.Regime;

/// <summary>
/// Market regime from the benchmark: a trend regime (close above or below its <c>trend_window</c>-day average)
/// and a volatility regime (annualized volatility of the last <c>vol_window</c> daily log returns above or below
/// <c>vol_threshold</c>). The family expresses a market-wide risk tilt, the same for every symbol:
/// +1 in a calm bull market, -1 in a calm bear market, scaled by <c>high_vol_scale</c> when volatility is high.
/// Switched off by <c>features.use_regime_detection: false</c>.
/// </summary>
[AlphaFamily("regime", FeatureFlag = "use_regime_detection", FeatureFlagDefault = true, Settings = ["trend_window", "vol_window", "vol_threshold", "high_vol_scale"])]
internal sealed class RegimeAlphaFamily : IAlphaFamily
{
    private RegimeOptions _options = RegimeOptions.Default;

    public FamilyHealth Health { get; private set; } = FamilyHealth.Ok;

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken)
    {
        Configure(context.Settings);
        return ValueTask.CompletedTask;
    }

    public void Configure(FamilySettings settings)
    {
        _options = new RegimeOptions(
            settings.GetInt("trend_window", RegimeOptions.Default.TrendWindow, min: 2, max: 2520),
            settings.GetInt("vol_window", RegimeOptions.Default.VolWindow, min: 2, max: 2520),
            settings.GetDouble("vol_threshold", RegimeOptions.Default.VolThreshold, min: 0.0, max: 10.0),
            settings.GetDouble("high_vol_scale", RegimeOptions.Default.HighVolScale, min: 0.0, max: 1.0));
    }

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken)
    {
        var regime = MarketRegime.Classify(snapshot.Benchmark.Bars.Span, _options);
        if (regime is null)
        {
            Health = new FamilyHealth(FamilyState.Degraded, Health.ErrorCount,
                $"benchmark has {snapshot.Benchmark.Count} bars; need {Math.Max(_options.TrendWindow, _options.VolWindow + 1)}");
            return ValueTask.FromResult(FamilySignals.Empty);
        }

        Health = new FamilyHealth(FamilyState.Ok, Health.ErrorCount, regime.ToString());
        var signals = new Dictionary<string, double>(snapshot.Symbols.Count, StringComparer.Ordinal);
        foreach (var history in snapshot.Symbols)
        {
            signals[history.Symbol] = regime.Score;
        }

        return ValueTask.FromResult(new FamilySignals(signals));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
