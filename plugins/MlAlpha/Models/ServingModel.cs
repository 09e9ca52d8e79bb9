using AlphaHost.Plugins.MlAlpha.Drift;
using AlphaHost.Plugins.MlAlpha.Governance;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// A model ready to serve one symbol: the features it declares it was trained on, the model itself and its signal rule.
/// Every prediction first checks the provided feature vector against the declared features.
/// </summary>
/// <param name="Symbol">The symbol it serves.</param>
/// <param name="Folder">The model folder it was loaded from.</param>
/// <param name="Stamp">Identifies the files it was loaded from; a change means reload.</param>
/// <param name="Features">The ordered features from its metadata (the contract's for a legacy model).</param>
/// <param name="Model">The model, as served (compiled trees for every model this family trains).</param>
/// <param name="Signal">Prediction to signal.</param>
/// <param name="Meta">Its metadata; null for a legacy model.</param>
internal sealed record ServingModel(string Symbol, string Folder, string Stamp, IReadOnlyList<string> Features, IRowPredictor Model, SignalRule Signal, ModelMetadata? Meta)
{
    /// <summary>Its training distributions for the drift check; null for a legacy model or one without them.</summary>
    public DriftReference? Drift { get; } = DriftReference.From(Meta?.Reference, Features);

    /// <summary>Served in the deprecated legacy mode: without metadata, or with metadata that has no <c>meta_sha256</c>.</summary>
    public bool IsLegacy => Meta?.MetaSha256 is null;

    /// <summary>SHA-256 of its <c>model.zip</c> as loaded (checked against the metadata's for a model with metadata).</summary>
    public string ModelSha256 { get; init; } = "";

    /// <summary>The <c>_latest</c> entry it was resolved from; empty when loaded from a folder directly.</summary>
    public string Latest { get; init; } = "";

    /// <summary>Throws <see cref="ModelFeatureMismatchException"/> unless the provided vector is exactly the declared features, all finite.</summary>
    /// <param name="providedNames">The names of the provided values, in order.</param>
    /// <param name="values">The feature vector.</param>
    /// <param name="namesMatched">These very names passed this model's check before (the caller's contract does not change): only the values are checked.</param>
    public void Check(IReadOnlyList<string> providedNames, ReadOnlySpan<float> values, bool namesMatched = false)
    {
        var sameNames = providedNames.Count == Features.Count && Features.Count == Model.Width;
        for (var i = 0; sameNames && !namesMatched && i < Features.Count; i++)
        {
            sameNames = string.Equals(providedNames[i], Features[i], StringComparison.Ordinal);
        }

        List<string>? nonFinite = null;
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                (nonFinite ??= []).Add(i < providedNames.Count ? providedNames[i] : $"#{i}");
            }
        }

        if (!sameNames || values.Length != providedNames.Count || nonFinite is not null)
        {
            throw new ModelFeatureMismatchException(Symbol, Features, providedNames, nonFinite ?? [], Path.GetFileName(Folder));
        }
    }
}
