using AlphaHost.Abstractions;

namespace AlphaHost.Host.Cli;

/// <summary>The <c>--symbols A,B | --all</c> pair: parsed, validated (no path can hide in a symbol) and checked against the data.</summary>
internal static class SymbolList
{
    /// <summary>The symbols of a comma-separated list, upper case, each checked to be a valid symbol name.</summary>
    public static string[] Parse(string symbols)
    {
        var asked = symbols.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToUpperInvariant()).Distinct().ToArray();
        if (asked.Length == 0)
        {
            throw new UsageException("--symbols is empty");
        }

        var invalid = asked.FirstOrDefault(s => !SymbolInfo.IsValidSymbol(s));
        return invalid is not null
            ? throw new UsageException($"'{invalid}' is not a valid symbol (upper case letters, digits, '.' and '-', at most 15)")
            : asked;
    }

    public static IReadOnlyList<string> Resolve(string? symbols, bool all, MarketHistory history)
    {
        if (all == (symbols is not null))
        {
            throw new UsageException("give either --symbols A,B,... or --all");
        }

        var known = history.Symbols.Select(s => s.Symbol).ToHashSet(StringComparer.Ordinal);
        if (all)
        {
            return known.Order(StringComparer.Ordinal).ToArray();
        }

        var asked = Parse(symbols!);
        var unknown = asked.Where(s => !known.Contains(s)).ToArray();
        return unknown.Length > 0
            ? throw new UsageException($"unknown symbol(s) {string.Join(",", unknown)}: not in {history.Source}")
            : asked;
    }
}
