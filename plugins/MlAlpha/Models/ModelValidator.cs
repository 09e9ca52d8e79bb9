using System.Text.RegularExpressions;
using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// The offline checks of <c>alphahost models validate</c> and <c>contract diff</c>: the same rules the family applies
/// when it loads a model, plus the ones it applies at every prediction (the feature list against the contract).
/// </summary>
internal static partial class ModelValidator
{
    public const string FeatureListMismatch = "FEATURE LIST != CONTRACT";

    /// <summary>Every model folder and <c>_latest</c> link of <paramref name="store"/>, in name order.</summary>
    public static IReadOnlyList<ModelCheck> ValidateAll(ModelStore store, FeatureContract contract)
    {
        if (!Directory.Exists(store.Root))
        {
            throw new DirectoryNotFoundException($"{store.Root}: models folder not found");
        }

        var checks = new List<ModelCheck>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(store.Root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(entry);
            var match = FolderPattern().Match(name);
            if (!match.Success || match.Groups["tag"].Value != store.Tag || !SymbolInfo.IsValidSymbol(match.Groups["symbol"].Value))
            {
                continue;
            }

            string folder;
            try
            {
                folder = store.ResolveLatest(match.Groups["symbol"].Value, entry);
            }
            catch (ModelLoadException ex)
            {
                checks.Add(new ModelCheck(name, ex.Code, ex.Problem, null));
                continue;
            }

            if (!match.Groups["latest"].Success)
            {
                checks.Add(Validate(folder, contract) with { Folder = name });
            }
        }

        return checks;
    }

    public static ModelCheck Validate(string folder, FeatureContract contract)
    {
        var name = Path.GetFileName(folder);
        ModelMetadata meta;
        try
        {
            meta = ModelLoader.ReadMeta(folder);
            ModelLoader.CheckSeal(folder, meta, allowLegacy: false);
        }
        catch (ModelLoadException ex)
        {
            return new ModelCheck(name, ex.Code, ex.Problem, null);
        }

        var period = new DatePeriod(meta.TrainingDataPeriod.Start, meta.TrainingDataPeriod.End);
        if (meta.NFeatures != contract.Names.Count)
        {
            return new ModelCheck(name, ModelLoadException.BadNFeatures, $"n_features is {meta.NFeatures}, contract {contract.Name} has {contract.Names.Count}", period);
        }

        var comparison = Compare(meta, contract);
        if (comparison.Missing.Count + comparison.Extra.Count + comparison.Moved.Count > 0)
        {
            return new ModelCheck(name, FeatureListMismatch, Describe(comparison), period);
        }

        if (meta.Dtype != contract.Dtype || !comparison.HashMatches)
        {
            return new ModelCheck(name, ModelLoadException.ContractHashMismatch,
                $"trained on {meta.Contract.Name} {meta.Contract.Version} ({Short(meta.Contract.Hash)}, {meta.Dtype}); contract is {contract.Name} {contract.Version} ({Short(contract.Hash)}, {contract.Dtype})", period);
        }

        try
        {
            var model = ModelLoader.Load(meta.Symbol, folder, contract, allowLegacy: false, legacyScale: 1);
            return new ModelCheck(name, ModelCheck.Ok, FormattableString.Invariant(
                $"{model.Features.Count} features, trained {meta.TrainedAt:yyyy-MM-dd} on {meta.TrainingDataPeriod}, validation IC {meta.Metrics.Ic:0.000}"), period);
        }
        catch (ModelLoadException ex)
        {
            return new ModelCheck(name, ex.Code, ex.Problem, period);
        }
    }

    public static FeatureComparison Compare(string folder, FeatureContract contract) => Compare(ModelLoader.ReadMeta(folder), contract);

    public static string Describe(FeatureComparison c) =>
        string.Join("; ", new[]
        {
            c.Missing.Count > 0 ? $"missing {string.Join(",", c.Missing)}" : null,
            c.Extra.Count > 0 ? $"extra {string.Join(",", c.Extra)}" : null,
            c.Moved.Count > 0 ? $"moved {string.Join(",", c.Moved)}" : null,
            c.HashMatches ? null : "contract hash differs",
        }.OfType<string>());

    private static FeatureComparison Compare(ModelMetadata meta, FeatureContract contract)
    {
        var expected = contract.Names;
        var declared = meta.Features;
        var missing = expected.Except(declared).ToArray();
        var extra = declared.Except(expected).ToArray();
        var common = expected.Intersect(declared).ToArray();
        var declaredCommon = declared.Where(common.Contains).ToArray();
        var moved = common.Where((f, i) => declaredCommon[i] != f).ToArray();
        return new FeatureComparison($"{contract.Name} {contract.Version}", expected, declared, missing, extra, moved,
            meta.Contract.Hash == contract.Hash && meta.Dtype == contract.Dtype);
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    [GeneratedRegex(@"^(?<symbol>.+)_(?<tag>v\d+)_(?:(?<latest>latest)|\d{8}_\d{6}(?:_\d+)?)$")]
    internal static partial Regex FolderPattern();
}
