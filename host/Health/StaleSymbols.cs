namespace AlphaHost.Host.Health;

/// <summary>
/// The detail of the <c>stale_symbols</c> reason: how many of the universe were stale on the last processed day and the
/// first of them by name. The reason token stays the same for alert rules; every rendering shows this beside it.
/// </summary>
/// <param name="Count">Stale symbols: no new bar, or a repeated one.</param>
/// <param name="Universe">The universe's size.</param>
/// <param name="Symbols">The first <see cref="Shown"/> of them, in ordinal order.</param>
internal sealed record StaleSymbols(int Count, int Universe, IReadOnlyList<string> Symbols)
{
    /// <summary>Symbols named; the count says how many more there are.</summary>
    public const int Shown = 10;

    public static StaleSymbols Of(CycleReport report) => new(report.StaleSymbols, report.UniverseSize, [.. report.StaleNames.Take(Shown)]);
}
