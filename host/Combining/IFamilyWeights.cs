using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;

namespace AlphaHost.Host.Combining;

/// <summary>
/// The weights the families are combined by at one close: the cycle and the backtest hand each close's outcomes through
/// here before <see cref="SignalCombiner"/>, which combines by <see cref="FamilyOutcome.Weight"/>.
/// </summary>
internal interface IFamilyWeights
{
    /// <summary>The outcomes of <paramref name="snapshot"/>'s close, each with the weight to combine it by.</summary>
    IReadOnlyList<FamilyOutcome> Weigh(MarketSnapshot snapshot, IReadOnlyList<FamilyOutcome> outcomes, AlphaHostConfig config);
}
