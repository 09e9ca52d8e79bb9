using System.Text.RegularExpressions;

namespace AlphaHost.Abstractions;

/// <summary>A member of the universe.</summary>
/// <param name="Symbol">Ticker, upper case.</param>
/// <param name="Name">Company name.</param>
/// <param name="Sector">Sector name (GICS for real data).</param>
public sealed partial record SymbolInfo(string Symbol, string Name, string Sector)
{
    /// <summary>
    /// Whether <paramref name="symbol"/> is a well-formed ticker: an upper case letter or digit, then at most 14 upper case
    /// letters, digits, dots or dashes. Anything else (a path, a separator, "..") is refused before it reaches a file name.
    /// </summary>
    /// <param name="symbol">The text to check.</param>
    public static bool IsValidSymbol(string symbol) => SymbolPattern().IsMatch(symbol);

    [GeneratedRegex(@"^[A-Z0-9][A-Z0-9.\-]{0,14}$")]
    private static partial Regex SymbolPattern();
}
