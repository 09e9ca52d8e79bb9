using AlphaHost.Abstractions;

namespace AlphaHost.Host.Market;

/// <summary>The bars a feed delivers for one trading day (not yet validated).</summary>
/// <param name="Date">The trading day.</param>
/// <param name="Bars">Bars by symbol; a symbol without a bar did not trade or its data did not arrive.</param>
/// <param name="Benchmark">The benchmark's bar, if it arrived.</param>
internal sealed record MarketDay(DateOnly Date, IReadOnlyDictionary<string, Bar> Bars, Bar? Benchmark);
