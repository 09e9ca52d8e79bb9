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
