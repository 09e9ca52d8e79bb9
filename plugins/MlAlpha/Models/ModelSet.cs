namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>The models being served, replaced whole when the models folder changes (readers never see a half-made set).</summary>
/// <param name="BySymbol">The loaded models.</param>
/// <param name="Refused">Model folders that could not serve, with the reason.</param>
internal sealed record ModelSet(IReadOnlyDictionary<string, ServingModel> BySymbol, IReadOnlyDictionary<string, ModelLoadException> Refused)
{
    public int Legacy => BySymbol.Values.Count(m => m.IsLegacy);

    /// <summary>What this scan changed against the set before it: models loaded, swapped or no longer served.</summary>
    public IReadOnlyList<ModelChange> Changes { get; init; } = [];
}

/// <summary>One symbol's change of serving model between two scans.</summary>
/// <param name="Symbol">The symbol.</param>
/// <param name="Old">What served it before; null when nothing did.</param>
/// <param name="New">What serves it now; null when nothing does (its <c>_latest</c> is gone or now refused).</param>
internal sealed record ModelChange(string Symbol, ServingModel? Old, ServingModel? New);
