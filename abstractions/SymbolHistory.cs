namespace AlphaHost.Abstractions;

/// <summary>A symbol's validated bars up to and including the snapshot's date, oldest first.</summary>
/// <param name="Info">The symbol.</param>
/// <param name="Bars">Its bars; the last one is the snapshot date's bar.</param>
public sealed record SymbolHistory(SymbolInfo Info, ReadOnlyMemory<Bar> Bars)
{
    /// <summary>The ticker.</summary>
    public string Symbol => Info.Symbol;

    /// <summary>Number of bars available.</summary>
    public int Count => Bars.Length;

    /// <summary>The newest bar.</summary>
    public Bar Last => Bars.Span[^1];

    /// <summary>The close <paramref name="barsAgo"/> bars before the newest (0 is the newest close).</summary>
    /// <param name="barsAgo">How many bars back.</param>
    public double CloseAgo(int barsAgo) => Bars.Span[Bars.Length - 1 - barsAgo].Close;
}
