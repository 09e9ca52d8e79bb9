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
}

/// <summary>A symbol's combined signal and each family's contribution (weight times signal) to it.</summary>
internal sealed record SymbolSignal(string Symbol, double Signal, double[] Contributions);
