namespace AlphaHost.Abstractions;

/// <summary>A member of the universe.</summary>
/// <param name="Symbol">Ticker, upper case.</param>
/// <param name="Name">Company name.</param>
/// <param name="Sector">Sector name (GICS for real data).</param>
public sealed record SymbolInfo(string Symbol, string Name, string Sector);
