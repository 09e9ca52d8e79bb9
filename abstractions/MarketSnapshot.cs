namespace AlphaHost.Abstractions;

/// <summary>What a family sees in one cycle: every symbol that traded on <see cref="Date"/>, and the benchmark.</summary>
/// <param name="Cycle">The host's cycle number, from 1.</param>
/// <param name="Date">The market date of the replay clock.</param>
/// <param name="Symbols">Symbols with a valid bar on <see cref="Date"/>; symbols with stale data are left out.</param>
/// <param name="Benchmark">The market benchmark (e.g. SPY) up to <see cref="Date"/>.</param>
public sealed record MarketSnapshot(long Cycle, DateOnly Date, IReadOnlyList<SymbolHistory> Symbols, SymbolHistory Benchmark);
