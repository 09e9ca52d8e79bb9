namespace AlphaHost.Plugins.MlAlpha.Features;

/// <summary>One symbol's features: a row per bar, float32 columns in contract order.</summary>
internal sealed class FeatureMatrix(string symbol, IReadOnlyList<string> names, ArraySegment<DateOnly> dates, ArraySegment<float> values, int minHistoryBars)
{
    public string Symbol { get; } = symbol;

    public IReadOnlyList<string> Names { get; } = names;

    public IReadOnlyList<DateOnly> Dates { get; } = dates;

    public int Rows => dates.Count;

    /// <summary>The row's features, in contract order.</summary>
    public ReadOnlySpan<float> Row(int row) => values.AsSpan(row * Names.Count, Names.Count);

    /// <summary>The row's storage, for a pooled panel that normalises the matrix in place (<see cref="Universe.UniversePanel"/>).</summary>
    internal Span<float> WritableRow(int row) => values.AsSpan(row * Names.Count, Names.Count);

    /// <summary>Why a row cannot be used: the features that are not finite (empty when the row is valid).</summary>
    public IReadOnlyList<string> MissingFeatures(int row)
    {
        var values = Row(row);
        var missing = new List<string>();
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                missing.Add(Names[i]);
            }
        }

        return missing;
    }

    /// <summary>A row is valid when the symbol had the contract's minimum history and every feature is finite.</summary>
    /// <remarks>Allocates nothing: training sets call it for every row of the universe.</remarks>
    public bool IsValid(int row)
    {
        if (row + 1 < minHistoryBars)
        {
            return false;
        }

        foreach (var value in Row(row))
        {
            if (!float.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }
}
