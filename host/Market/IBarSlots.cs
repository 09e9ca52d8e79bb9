using AlphaHost.Abstractions;

namespace AlphaHost.Host.Market;

/// <summary>
/// Where <see cref="MarketState"/> keeps its bars: one slot per symbol (slot 0 the benchmark, slot <c>1 + p</c> the
/// symbol at universe position <c>p</c>), appended to one bar at a time. A view of a slot once handed out never changes,
/// whatever is appended or moved afterwards. On the heap (<see cref="ArrayBarSlots"/>) for offline work; in the market
/// image the workers map (<see cref="Workers.MarketImage"/>) for the daemon, so the history lives once.
/// </summary>
internal interface IBarSlots
{
    /// <summary>Sizes the store; called once, by the market, before any other member.</summary>
    /// <param name="slots">The benchmark and the universe.</param>
    /// <param name="maxHistory">Bars kept per slot: at least this many, at most twice.</param>
    void Open(int slots, int maxHistory);

    int Count(int slot);

    /// <summary>The slot's newest bar; only when <see cref="Count"/> is above zero.</summary>
    ref readonly Bar Last(int slot);

    /// <summary>The slot's kept bars, oldest first.</summary>
    ReadOnlyMemory<Bar> Bars(int slot);

    /// <summary>Appends a bar already validated; may drop a slot's oldest bars beyond the kept history.</summary>
    void Append(int slot, in Bar bar);
}
