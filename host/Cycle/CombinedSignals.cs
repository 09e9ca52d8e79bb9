namespace AlphaHost.Host.Cycle;

/// <summary>One cycle's combined signals.</summary>
/// <param name="Cycle">The cycle number.</param>
/// <param name="Date">The market date.</param>
/// <param name="Families">Family names, in the order of each symbol's contributions.</param>
/// <param name="Signals">One entry per symbol of the snapshot.</param>
internal sealed record CombinedSignals(long Cycle, DateOnly Date, IReadOnlyList<string> Families, IReadOnlyList<SymbolSignal> Signals)
{
    /// <summary>The model version of each model family that contributed this cycle (<see cref="AlphaHost.Abstractions.FamilyHealth.ModelVersion"/>).</summary>
    public IReadOnlyDictionary<string, string> ModelVersions { get; init; } = new Dictionary<string, string>();

    /// <summary>Each family's mean |contribution| over the cycle's symbols, in <see cref="Families"/> order (0 without symbols).</summary>
    public IReadOnlyList<KeyValuePair<string, double>> MeanAbsContributions()
    {
        var sums = new double[Families.Count];
        foreach (var signal in Signals)
        {
            for (var f = 0; f < sums.Length; f++)
            {
                sums[f] += Math.Abs(signal.Contributions[f]);
            }
        }

        return Families.Select((family, f) => new KeyValuePair<string, double>(family, Signals.Count == 0 ? 0.0 : sums[f] / Signals.Count)).ToArray();
    }
}

/// <summary>A symbol's combined signal and each family's contribution (weight times signal) to it.</summary>
internal sealed record SymbolSignal(string Symbol, double Signal, double[] Contributions);
