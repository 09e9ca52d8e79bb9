using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Market;

/// <summary>Opens the feed named by <c>market.source</c>.</summary>
internal static class MarketFeedFactory
{
    /// <summary>Throws <see cref="InvalidDataException"/> naming the folder or file when the data cannot be used.</summary>
    public static IMarketFeed Create(MarketOptions market) => market.Source switch
    {
        "bars" => BarFolderFeed.Open(Path.GetFullPath(market.DataDir)),
        _ => new SampleMarket(market.SampleSeed, market.SampleSymbols),
    };
}
