using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// Says which models serve: logs each model the daemon loads, swaps or stops serving (symbol, old folder -> new folder,
/// SHA-256), and replaces <c>serving.json</c> in the family's state folder whenever the set changes, so that
/// <c>alphahost ml status</c>, a separate process, can list it. Each new set is also appended, with its
/// <see cref="ModelSet.Version"/> and its folders, to <c>serving_history.jsonl</c> beside it, and logged: the signal journal
/// names the version, this file says which model folder served each symbol under it. Only the daemon's own scans publish;
/// offline loads (backtests, tests) leave the files to the daemon.
/// </summary>
internal sealed class ServingSet(string path, TimeProvider clock, ILogger logger)
{
    public const string FileName = "serving.json";
    public const string HistoryFileName = "serving_history.jsonl";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly JsonSerializerOptions Line = new(Json) { WriteIndented = false };

    private bool _published;
    private string? _version;

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
        var now = clock.GetUtcNow();
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(new Document(now, modelsDir, set.Version, models.Count, models, set.Refused.ToDictionary(r => r.Key, r => r.Value.Message)), Json));
        _published = true;
        if (set.Version != _version && models.Count > 0)
        {
            AppendHistory(new Version(now, set.Version, modelsDir, models.ToDictionary(m => m.Key, m => new VersionEntry(m.Value.Folder, m.Value.ModelSha256))));
            logger.LogInformation("Model set {ModelVersion} serving: {Count} model(s) from {ModelsDir} ({Changed} changed)", set.Version, models.Count, modelsDir, set.Changes.Count);
        }

        _version = set.Version;
    }

    private void AppendHistory(Version version)
    {
        JsonLines.Append(Path.Combine(Path.GetDirectoryName(path)!, HistoryFileName), JsonSerializer.SerializeToUtf8Bytes(version, Line), durable: true);
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

    private sealed record Version(DateTimeOffset At, string ModelVersion, string ModelsDir, IReadOnlyDictionary<string, VersionEntry> Models);

    private sealed record VersionEntry(string Folder, string ModelSha256);

    private sealed record Document(DateTimeOffset UpdatedAt, string ModelsDir, string ModelVersion, int Count, IReadOnlyDictionary<string, Entry> Models, IReadOnlyDictionary<string, string> Refused);

    private sealed record Entry(string Folder, string ModelSha256, DateTimeOffset? TrainedAt, bool Legacy, string Latest);
}
