using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Market;

/// <summary>The largest bar folder files read (<c>market.max_bar_file_bytes</c>, <c>market.max_universe_file_bytes</c>).</summary>
internal sealed record BarFileLimits(long MaxBarFileBytes, long MaxUniverseFileBytes)
{
    public const string BarKey = "market.max_bar_file_bytes";
    public const string UniverseKey = "market.max_universe_file_bytes";

    /// <summary>The configured defaults.</summary>
    public static BarFileLimits Default { get; } = Of(new MarketOptions());

    public static BarFileLimits Of(MarketOptions market) => new(market.MaxBarFileBytes, market.MaxUniverseFileBytes);
}
