namespace AlphaHost.Abstractions;

/// <summary>A family's signals for one cycle, by symbol, each in [-1, 1].</summary>
/// <param name="BySymbol">Signal per symbol; a symbol left out is neutral.</param>
public sealed record FamilySignals(IReadOnlyDictionary<string, double> BySymbol)
{
    /// <summary>No signal for any symbol.</summary>
    public static FamilySignals Empty { get; } = new(new Dictionary<string, double>());
}
