using System.Security.Cryptography;
using System.Text.Json;
using AlphaHost.Plugins.MlAlpha.Contracts;
using AlphaHost.Plugins.MlAlpha.Internal;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// Opens a model folder for serving. Refused (<see cref="ModelLoadException"/>): missing or unreadable metadata, or
/// metadata without its own hash (unless legacy models are allowed), metadata edited after training (its fields no longer
/// match <c>meta_sha256</c>), a <c>model.zip</c> whose SHA-256 differs from the metadata's (tampering or corruption),
/// a model declaring another contract than the served one (by name), a contract hash other than the served contract's,
/// an archive past <see cref="ModelArchive"/>'s limits, an unreadable model, either file a symbolic link. A model of the
/// served contract whose declared feature list differs from it is loaded as declared: each of its predictions then fails the feature check, which governance counts.
/// </summary>
internal static class ModelLoader
{
    /// <summary>Metadata of a model with a few hundred features is some hundred kilobytes; a file larger than this is not metadata.</summary>
    private const int MaxMetaBytes = 16 << 20;

    public static ModelMetadata ReadMeta(string folder)
    {
        var path = Path.Combine(folder, ModelStore.MetaFile);
        if (!File.Exists(path))
        {
            throw new ModelLoadException(folder, ModelLoadException.MissingMeta, $"no {ModelStore.MetaFile}");
        }

        RequireRegularFile(folder, ModelStore.MetaFile);

        ModelMetadata? meta;
        try
        {
            meta = JsonSerializer.Deserialize<ModelMetadata>(SmallFile.Read(path, MaxMetaBytes), ModelMetadata.Json);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelLoadException(folder, ModelLoadException.BadMeta, $"{ModelStore.MetaFile} is not valid: {ex.Message[(path.Length + 2)..]}");
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException or InvalidOperationException)
        {
            throw new ModelLoadException(folder, ModelLoadException.BadMeta, $"{ModelStore.MetaFile} is not valid: {ex.Message}");
        }

        if (meta is null)
        {
            throw new ModelLoadException(folder, ModelLoadException.BadMeta, $"{ModelStore.MetaFile} is null; expected the metadata object");
        }

        if (meta.NullItem() is { } key)
        {
            throw new ModelLoadException(folder, ModelLoadException.BadMeta, $"{ModelStore.MetaFile}: {key} is null");
        }

        return meta.NFeatures != meta.Features.Count
            ? throw new ModelLoadException(folder, ModelLoadException.BadNFeatures, $"n_features is {meta.NFeatures} but {meta.Features.Count} features are listed")
            : meta;
    }

    /// <summary>
    /// Refuses metadata whose fields differ from those its <c>meta_sha256</c> was computed over, and metadata without one
    /// unless <paramref name="allowLegacy"/>.
    /// </summary>
    public static void CheckSeal(string folder, ModelMetadata meta, bool allowLegacy)
    {
        if (meta.MetaSha256 is null)
        {
            if (!allowLegacy)
            {
                throw new ModelLoadException(folder, ModelLoadException.LegacyMeta,
                    $"{ModelStore.MetaFile} has no meta_sha256 (written before metadata was hashed): retrain the model, or serve it with allow_legacy_models: true");
            }

            return;
        }

        var actual = meta.ContentSha256();
        if (!string.Equals(actual, meta.MetaSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelLoadException(folder, ModelLoadException.MetaHashMismatch,
                $"{ModelStore.MetaFile} was changed after training: its fields hash to {actual[..12]}…, meta_sha256 says {meta.MetaSha256[..Math.Min(12, meta.MetaSha256.Length)]}…");
        }
    }

    public static ServingModel Load(string symbol, string folder, FeatureContract contract, bool allowLegacy, double legacyScale)
    {
        var modelPath = Path.Combine(folder, ModelStore.ModelFile);
        var stamp = Stamp(folder);
        if (!File.Exists(Path.Combine(folder, ModelStore.MetaFile)) && allowLegacy)
        {
            RequireRegularFile(folder, ModelStore.ModelFile);
            ModelArchive.Check(folder, modelPath);
            return new ServingModel(symbol, folder, stamp, contract.Names, Open(folder, modelPath), new Models.SignalRule("legacy: signal = tanh(prediction / legacy_signal_scale)", legacyScale), null)
            {
                ModelSha256 = Sha256(modelPath),
            };
        }

        var meta = ReadMeta(folder);
        CheckSeal(folder, meta, allowLegacy);
        if (!File.Exists(modelPath))
        {
            throw new ModelLoadException(folder, ModelLoadException.Unreadable, $"no {ModelStore.ModelFile}");
        }

        RequireRegularFile(folder, ModelStore.ModelFile);

        var actual = Sha256(modelPath);
        if (!string.Equals(actual, meta.ModelSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelLoadException(folder, ModelLoadException.HashMismatch, $"{ModelStore.ModelFile} has SHA-256 {actual[..12]}…, its metadata says {meta.ModelSha256[..Math.Min(12, meta.ModelSha256.Length)]}…");
        }

        // A model declares the contract it was trained on; the family computes the features of one contract only.
        if (meta.Contract.Name != contract.Name)
        {
            throw new ModelLoadException(folder, ModelLoadException.ContractHashMismatch,
                $"trained on contract {meta.Contract.Name} {meta.Contract.Version}, serving {contract.Name} {contract.Version}: serve it with contract: {meta.Contract.Name}, or retrain it with --contract {contract.Name}");
        }

        if (meta.Features.SequenceEqual(contract.Names) && meta.Contract.Hash != contract.Hash)
        {
            throw new ModelLoadException(folder, ModelLoadException.ContractHashMismatch,
                $"trained on contract {meta.Contract.Name} {meta.Contract.Version} ({meta.Contract.Hash[..Math.Min(12, meta.Contract.Hash.Length)]}…), serving {contract.Name} {contract.Version} ({contract.Hash[..12]}…): the feature definitions changed");
        }

        if (!(meta.Signal.Scale > 0) || !double.IsFinite(meta.Signal.Scale))
        {
            throw new ModelLoadException(folder, ModelLoadException.BadMeta, $"signal.scale must be a positive number, got {meta.Signal.Scale}");
        }

        if (meta.Scope is { } scope && (!meta.IsPooled || !Universe.CrossSectionalTransform.Names.Contains(meta.CrossSectionalTransform ?? "", StringComparer.Ordinal)))
        {
            throw new ModelLoadException(folder, ModelLoadException.BadMeta,
                $"scope '{scope}' with cross_sectional_transform '{meta.CrossSectionalTransform}': expected scope '{ModelMetadata.UniverseScope}' and one of {string.Join(", ", Universe.CrossSectionalTransform.Names)}");
        }

        ModelArchive.Check(folder, modelPath);
        var model = Open(folder, modelPath);
        if (model is TreeEnsemble trees && SignalRule.OutOfRange(meta.Signal.Scale, trees.OutputSpan) is { } outOfRange)
        {
            throw new ModelLoadException(folder, ModelLoadException.BadMeta, outOfRange);
        }

        return new ServingModel(symbol, folder, stamp, meta.Features, model, meta.Signal, meta) { ModelSha256 = actual };
    }

    /// <summary>Changes whenever the folder's model or metadata is replaced.</summary>
    public static string Stamp(string folder) => string.Join('|', new[] { ModelStore.ModelFile, ModelStore.MetaFile }.Select(f =>
    {
        var info = new FileInfo(Path.Combine(folder, f));
        return info.Exists ? $"{folder}/{f}:{info.Length}:{info.LastWriteTimeUtc.Ticks}" : $"{f}:absent";
    }));

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    private static void RequireRegularFile(string folder, string file)
    {
        if (new FileInfo(Path.Combine(folder, file)).LinkTarget is { } target)
        {
            throw new ModelLoadException(folder, ModelLoadException.Unreadable, $"{file} is a symbolic link (to {target}); a model's files must be regular files in its folder");
        }
    }

    private static IRowPredictor Open(string folder, string modelPath)
    {
        try
        {
            return LightGbmModel.Load(modelPath).Server;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(folder, ModelLoadException.Unreadable, $"{ModelStore.ModelFile}: {ex.Message}");
        }
    }
}
