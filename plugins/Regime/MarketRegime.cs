using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.Regime;

internal enum Trend
{
    Bull,
    Bear,
}

internal enum Volatility
{
    Low,
    High,
}

/// <summary>The benchmark's regime on one day and the signal it implies.</summary>
internal sealed record MarketRegime(Trend Trend, Volatility Volatility, double AnnualizedVolatility, double Score)
{
    private const double TradingDaysPerYear = 252.0;

    /// <summary>Classifies the newest bar of <paramref name="bars"/>; null when the history is too short.</summary>
    public static MarketRegime? Classify(ReadOnlySpan<Bar> bars, RegimeOptions options)
    {
        if (bars.Length < options.TrendWindow || bars.Length < options.VolWindow + 1)
        {
            return null;
        }

        var sum = 0.0;
        for (var i = bars.Length - options.TrendWindow; i < bars.Length; i++)
        {
            sum += bars[i].Close;
        }

        var trend = bars[^1].Close >= sum / options.TrendWindow ? Trend.Bull : Trend.Bear;

        var mean = 0.0;
        var m2 = 0.0;
        var n = 0;
        for (var i = bars.Length - options.VolWindow; i < bars.Length; i++)
        {
            var r = Math.Log(bars[i].Close / bars[i - 1].Close);
            n++;
            var delta = r - mean;
            mean += delta / n;
            m2 += delta * (r - mean);
        }

        var annualized = Math.Sqrt(m2 / (n - 1) * TradingDaysPerYear);
        var volatility = annualized > options.VolThreshold ? Volatility.High : Volatility.Low;
        var score = (trend == Trend.Bull ? 1.0 : -1.0) * (volatility == Volatility.High ? options.HighVolScale : 1.0);
        return new MarketRegime(trend, volatility, annualized, score);
    }

    public override string ToString() =>
        FormattableString.Invariant($"trend={Trend.ToString().ToUpperInvariant()} vol={Volatility.ToString().ToUpperInvariant()} ann_vol={AnnualizedVolatility:F3}");
}
