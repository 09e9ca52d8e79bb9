using AlphaHost.Abstractions;
using AlphaHost.Host.Market;

namespace AlphaHost.Tests.Support;

/// <summary>The sample market advanced one trading day per call, as the daemon's cycles see it.</summary>
internal sealed class SampleReplay
{
    private readonly SampleMarket _feed;
    private readonly MarketState _market;
    private long _cycle;

    public SampleReplay(int warmupDays, int symbols = 60, int seed = 7)
    {
        _feed = new SampleMarket(seed, symbols);
        _market = new MarketState(_feed.Universe, _feed.Benchmark);
        for (var i = 0; i < warmupDays; i++)
        {
            _feed.TryNextDay(out var day);
            _market.Append(day);
        }
    }

    public MarketSnapshot Next()
    {
        _feed.TryNextDay(out var day);
        _market.Append(day);
        return _market.Snapshot(++_cycle);
    }
}
