using System.Text.Json;
using AlphaHost.Plugins.MlAlpha.Models;

namespace AlphaHost.Tests.Support;

/// <summary>Edits of trained model folders that simulate what goes wrong in production.</summary>
internal static class ModelFiles
{
    /// <summary>
    /// Drops the last <paramref name="count"/> features from a <c>model_meta.json</c>, keeping it self-consistent
    /// (n_features and meta_sha256 too): the metadata of a model trained on fewer features.
    /// </summary>
    public static void DropFeatures(string metaPath, int count) => Rewrite(metaPath, meta => meta with
    {
        Features = meta.Features.Take(meta.Features.Count - count).ToArray(),
        NFeatures = meta.Features.Count - count,
    });

    /// <summary>
    /// What a model folder holds, less what differs by when it was written: the archive's entries (their hashes) and the
    /// metadata without <c>model_sha256</c> and <c>meta_sha256</c> (the zip's own bytes carry its write time) and without
    /// <paramref name="ignoredMetaKeys"/>. Equal for two trainings of the same model.
    /// </summary>
    public static string Content(string folder, params string[] ignoredMetaKeys)
    {
        using var archive = System.IO.Compression.ZipFile.OpenRead(Path.Combine(folder, ModelStore.ModelFile));
        var entries = string.Join(";", archive.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal).Select(e =>
        {
            using var stream = e.Open();
            return $"{e.FullName}={Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream))}";
        }));
        var meta = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ModelStore.MetaFile)))!.AsObject();
        foreach (var key in ignoredMetaKeys.Append("model_sha256").Append("meta_sha256"))
        {
            meta.Remove(key);
        }

        return entries + "|" + meta.ToJsonString();
    }

    /// <summary>
    /// Replaces a <c>model_meta.json</c> by an edited copy, its meta_sha256 recomputed (as a trainer would write it), in one
    /// rename: a daemon scanning the folder meanwhile sees the old file or the new one, never half of one.
    /// </summary>
    public static void Rewrite(string metaPath, Func<ModelMetadata, ModelMetadata> edit)
    {
        var meta = JsonSerializer.Deserialize<ModelMetadata>(File.ReadAllBytes(metaPath), ModelMetadata.Json)!;
        File.WriteAllBytes(metaPath + ".tmp", JsonSerializer.SerializeToUtf8Bytes(edit(meta).Sealed(), ModelMetadata.Json));
        File.Move(metaPath + ".tmp", metaPath, overwrite: true);
    }
}
