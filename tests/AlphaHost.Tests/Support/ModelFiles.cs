using System.Text.Json.Nodes;

namespace AlphaHost.Tests.Support;

/// <summary>Edits of trained model folders that simulate what goes wrong in production.</summary>
internal static class ModelFiles
{
    /// <summary>Drops the last <paramref name="count"/> features from a <c>model_meta.json</c>, keeping it self-consistent (n_features too).</summary>
    public static void DropFeatures(string metaPath, int count)
    {
        var meta = JsonNode.Parse(File.ReadAllText(metaPath))!.AsObject();
        var features = meta["features"]!.AsArray();
        for (var i = 0; i < count; i++)
        {
            features.RemoveAt(features.Count - 1);
        }

        meta["n_features"] = features.Count;
        File.WriteAllText(metaPath, meta.ToJsonString());
    }
}
