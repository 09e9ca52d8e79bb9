using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;

namespace AlphaHost.Host.Combining;

/// <summary>What the status shows of the combiner after a cycle: its mode and the weight each live family was combined by.</summary>
internal sealed record CombinerView(CombinerMode Mode, IReadOnlyDictionary<string, double> Weights)
{
    public static CombinerView Of(IReadOnlyList<FamilyOutcome> weighed, AlphaHostConfig config) =>
        new(config.Combiner.Mode, weighed.Where(o => !config.Family(o.Name).Shadow).ToDictionary(o => o.Name, o => o.Weight, StringComparer.Ordinal));
}
