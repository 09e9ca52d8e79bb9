using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// Combines the families' signals per symbol: the sum of weight times signal over the families, clipped to
/// [-1, 1]. A disabled, failed or quarantined family, or one without a signal for the symbol, contributes 0.0.
/// </summary>
internal sealed class SignalCombiner : ISignalCombiner
{
    /// <summary>The weighted sum, as the daemon and <c>backtest</c> combine unless another combiner is configured.</summary>
    public static SignalCombiner Weighted { get; } = new();

    CombinedSignals ISignalCombiner.Combine(MarketSnapshot snapshot, IReadOnlyList<FamilyOutcome> outcomes, AlphaHostConfig config) =>
        CombineLive(snapshot, outcomes, config);

    /// <summary>
    /// The signal the daemon emits: shadow families (<c>mode: shadow</c>) are computed like the others but take no part in
    /// it, so it is the same as without them.
    /// </summary>
    public static CombinedSignals CombineLive(MarketSnapshot snapshot, IReadOnlyList<FamilyOutcome> outcomes, AlphaHostConfig config) =>
        Combine(snapshot, outcomes.Where(o => !config.Family(o.Name).Shadow).ToArray());

    public static CombinedSignals Combine(MarketSnapshot snapshot, IReadOnlyList<FamilyOutcome> outcomes)
    {
        var names = outcomes.Select(o => o.Name).ToArray();
        var signals = new SymbolSignal[snapshot.Symbols.Count];
        for (var i = 0; i < signals.Length; i++)
        {
            var symbol = snapshot.Symbols[i].Symbol;
            var contributions = new double[outcomes.Count];
            var sum = 0.0;
            for (var f = 0; f < outcomes.Count; f++)
            {
                var outcome = outcomes[f];
                if (outcome.Kind == OutcomeKind.Ok && outcome.Signals.TryGetValue(symbol, out var value))
                {
                    contributions[f] = outcome.Weight * value;
                    sum += contributions[f];
                }
            }

            signals[i] = new SymbolSignal(symbol, Math.Clamp(sum, -1.0, 1.0), contributions);
        }

        var versions = outcomes.Where(o => o.Kind == OutcomeKind.Ok && o.Health.ModelVersion is not null).ToDictionary(o => o.Name, o => o.Health.ModelVersion!, StringComparer.Ordinal);
        return new CombinedSignals(snapshot.Cycle, snapshot.Date, names, signals) { ModelVersions = versions };
    }
}
