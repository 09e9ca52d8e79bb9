namespace AlphaHost.Plugins.Regime;

internal sealed record RegimeOptions(int TrendWindow, int VolWindow, double VolThreshold, double HighVolScale)
{
    /// <summary>The defaults, written here only: a 200-day trend, 20-day volatility against 25 % a year, halved when high.</summary>
    public static readonly RegimeOptions Default = new(TrendWindow: 200, VolWindow: 20, VolThreshold: 0.25, HighVolScale: 0.5);
}
