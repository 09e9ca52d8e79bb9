using System.Text.Json;
using System.Text.Json.Serialization;
using AlphaHost.Plugins.MlAlpha.Internal;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// Says which models serve: logs each model the daemon loads, swaps or stops serving (symbol, old folder -> new folder,
/// SHA-256), and replaces <c>serving.json</c> in the family's state folder whenever the set changes, so that
/// <c>alphahost ml status</c>, a separate process, can list it. Only the daemon's own scans publish; offline loads
/// (backtests, tests) leave the file to the daemon.
/// </summary>
internal sealed class ServingSet(string path, TimeProvider clock, ILogger logger)
{
    public const string FileName = "serving.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private bool _published;

    public void Publish(ModelSet set, string modelsDir)
    {
        foreach (var change in set.Changes)
        {
            Log(change);
        }

        if (_published && set.Changes.Count == 0)
        {
            return;
        }

        var models = set.BySymbol.Values.OrderBy(m => m.Symbol, StringComparer.Ordinal).ToDictionary(
            m => m.Symbol,
            m => new Entry(Path.GetFileName(m.Folder), m.ModelSha256, m.Meta?.TrainedAt, m.IsLegacy, m.Latest));
        AtomicJson.Write(path, new Document(clock.GetUtcNow(), modelsDir, models.Count, models, set.Refused.ToDictionary(r => r.Key, r => r.Value.Message)), Json);
        _published = true;
    }

    private void Log(ModelChange change)
    {
        switch (change)
        {
            case { Old: null, New: { } loaded }:
                logger.LogInformation("Model {Symbol} loaded: {Folder} (sha256 {ModelSha256}, trained {TrainedAt})",
                    change.Symbol, Path.GetFileName(loaded.Folder), loaded.ModelSha256, Trained(loaded));
                break;
            case { Old: { } old, New: { } swapped }:
                logger.LogInformation("Model {Symbol} swapped: {OldFolder} -> {Folder} (sha256 {OldModelSha256} -> {ModelSha256}, trained {TrainedAt})",
                    change.Symbol, Path.GetFileName(old.Folder), Path.GetFileName(swapped.Folder), old.ModelSha256, swapped.ModelSha256, Trained(swapped));
                break;
            case { Old: { } dropped }:
                logger.LogWarning("Model {Symbol} no longer served: {OldFolder} (sha256 {OldModelSha256}); its _latest entry is gone or its new model was refused",
                    change.Symbol, Path.GetFileName(dropped.Folder), dropped.ModelSha256);
                break;
        }
    }

    private static string Trained(ServingModel model) => model.Meta?.TrainedAt.UtcDateTime.ToString("O") ?? "unknown (legacy model)";

    private sealed record Document(DateTimeOffset UpdatedAt, string ModelsDir, int Count, IReadOnlyDictionary<string, Entry> Models, IReadOnlyDictionary<string, string> Refused);

    private sealed record Entry(string Folder, string ModelSha256, DateTimeOffset? TrainedAt, bool Legacy, string Latest);
}
