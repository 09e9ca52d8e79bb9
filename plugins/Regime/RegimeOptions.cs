namespace AlphaHost.Plugins.Regime;

internal sealed record RegimeOptions(int TrendWindow, int VolWindow, double VolThreshold, double HighVolScale);
