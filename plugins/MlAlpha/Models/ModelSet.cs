namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>The models being served, replaced whole when the models folder changes (readers never see a half-made set).</summary>
/// <param name="BySymbol">The loaded models.</param>
/// <param name="Refused">Model folders that could not serve, with the reason.</param>
internal sealed record ModelSet(IReadOnlyDictionary<string, ServingModel> BySymbol, IReadOnlyDictionary<string, ModelLoadException> Refused)
{
    public int Legacy => BySymbol.Values.Count(m => m.IsLegacy);

    /// <summary>
    /// The set's version: <c>set-</c> and the first 12 hex digits of SHA-256 over every symbol, its model folder's name and
    /// its model's SHA-256, in symbol order (the same bytes promoted from another folder are another version). The signal journal names it; <c>serving_history.jsonl</c> says which folders it is made of.
    /// </summary>
    public string Version { get; } = VersionOf(BySymbol);

    private static string VersionOf(IReadOnlyDictionary<string, ServingModel> models)
    {
        var text = string.Concat(models.Values.OrderBy(m => m.Symbol, StringComparer.Ordinal).Select(m => $"{m.Symbol}:{Path.GetFileName(m.Folder)}:{m.ModelSha256}\n"));
        return "set-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..12];
    }

    /// <summary>
    /// The bytes it serves: <c>sha256-</c> and SHA-256 over every symbol, its model's SHA-256 and its metadata's, in symbol
    /// order, without the folders' names: the same models copied into another folder or models folder have the same content.
    /// </summary>
    public string Content { get; } = ContentOf(BySymbol);

    private static string ContentOf(IReadOnlyDictionary<string, ServingModel> models) =>
        ContentOf(models.Values.Select(m => (m.Symbol, m.ModelSha256, m.Meta?.MetaSha256)));

    /// <summary>The content of models given by symbol, model SHA-256 and metadata SHA-256 (null for a legacy model).</summary>
    public static string ContentOf(IEnumerable<(string Symbol, string ModelSha256, string? MetaSha256)> models)
    {
        var text = string.Concat(models.OrderBy(m => m.Symbol, StringComparer.Ordinal).Select(m => $"{m.Symbol}:{m.ModelSha256}:{m.MetaSha256}\n"));
        return "sha256-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>What this scan changed against the set before it: models loaded, swapped or no longer served.</summary>
    public IReadOnlyList<ModelChange> Changes { get; init; } = [];
}

/// <summary>One symbol's change of serving model between two scans.</summary>
/// <param name="Symbol">The symbol.</param>
/// <param name="Old">What served it before; null when nothing did.</param>
/// <param name="New">What serves it now; null when nothing does (its <c>_latest</c> is gone or now refused).</param>
internal sealed record ModelChange(string Symbol, ServingModel? Old, ServingModel? New);
