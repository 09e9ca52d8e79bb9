using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Cycle;

/// <summary>The combine stage of the <see cref="CycleStep"/>: the families' outcomes of one close into the signal the daemon emits.</summary>
internal interface ISignalCombiner
{
    /// <param name="snapshot">The close: one combined signal per symbol of it.</param>
    /// <param name="outcomes">The families' turns (shadow families among them are left out by the combiner).</param>
    /// <param name="config">The configuration in force: weights and modes.</param>
    CombinedSignals Combine(MarketSnapshot snapshot, IReadOnlyList<FamilyOutcome> outcomes, AlphaHostConfig config);
}
