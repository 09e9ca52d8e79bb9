namespace AlphaHost.Abstractions;

/// <summary>
/// A capability of a family that computes features from bars: <c>alphahost features</c> dumps them and
/// <c>alphahost audit</c> checks that every symbol can produce them.
/// </summary>
public interface IFeatureSource
{
    /// <summary>Every symbol's feature rows over <paramref name="history"/> (the whole universe is needed for cross-sectional features).</summary>
    /// <param name="history">The market history.</param>
    /// <param name="symbols">The symbols wanted.</param>
    IReadOnlyDictionary<string, FeatureTable> Compute(MarketHistory history, IReadOnlyList<string> symbols);

    /// <summary>
    /// The symbols whose bars <see cref="Compute"/> needs to compute <paramref name="symbols"/> (the benchmark is always
    /// given): a command that asks for a few symbols reads only these. The default is the whole universe.
    /// </summary>
    /// <param name="universe">Every symbol the data holds, with its sector.</param>
    /// <param name="symbols">The symbols wanted.</param>
    IReadOnlyCollection<string> Inputs(IReadOnlyList<SymbolInfo> universe, IReadOnlyList<string> symbols) => universe.Select(u => u.Symbol).ToArray();
}

/// <summary>One symbol's features, a row per bar.</summary>
/// <param name="Symbol">The symbol.</param>
/// <param name="Columns">Feature names, in order.</param>
/// <param name="Dates">The date of each row.</param>
/// <param name="Rows">Each row's values, in column order (NaN where a feature cannot be computed).</param>
/// <param name="FirstUsableRow">Rows before this one lack the history the features need.</param>
/// <param name="Notes">Facts that explain missing features (e.g. no benchmark, no sector).</param>
public sealed record FeatureTable(string Symbol, IReadOnlyList<string> Columns, IReadOnlyList<DateOnly> Dates, IReadOnlyList<float[]> Rows,
    int FirstUsableRow, IReadOnlyList<string> Notes);
