using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Market;

/// <summary>Opens the feed named by <c>market.source</c>.</summary>
internal static class MarketFeedFactory
{
    /// <summary>Throws <see cref="InvalidDataException"/> naming the folder or file when the data cannot be used.</summary>
    /// <param name="market">The market section.</param>
    /// <param name="baseDirectory">What a relative <c>data_dir</c> is taken from: the config file's folder for the config's
    /// own value, the working directory for a <c>--data</c> option.</param>
    /// <param name="only">For a bar folder: read only these symbols' files (null: all).</param>
    public static IMarketFeed Create(MarketOptions market, string baseDirectory, IReadOnlySet<string>? only = null) => market.Source switch
    {
        "bars" => BarFolderFeed.Open(Path.GetFullPath(market.DataDir, baseDirectory), only, BarFileLimits.Of(market)),
        _ => new SampleMarket(market.SampleSeed, market.SampleSymbols),
    };
}
