namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>The models being served, replaced whole when the models folder changes (readers never see a half-made set).</summary>
/// <param name="BySymbol">The loaded models.</param>
/// <param name="Refused">Model folders that could not serve, with the reason.</param>
internal sealed record ModelSet(IReadOnlyDictionary<string, ServingModel> BySymbol, IReadOnlyDictionary<string, ModelLoadException> Refused)
{
    public int Legacy => BySymbol.Values.Count(m => m.IsLegacy);
}
