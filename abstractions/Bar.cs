namespace AlphaHost.Abstractions;

/// <summary>One daily bar. Bars that reach a family are validated: finite positive prices, low &lt;= high.</summary>
/// <param name="Date">The trading day.</param>
/// <param name="Open">Opening price.</param>
/// <param name="High">Highest price.</param>
/// <param name="Low">Lowest price.</param>
/// <param name="Close">Closing price.</param>
/// <param name="Volume">Traded volume (may be zero).</param>
public readonly record struct Bar(DateOnly Date, double Open, double High, double Low, double Close, double Volume);
