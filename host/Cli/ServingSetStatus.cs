using System.Globalization;
using System.Text.Json;

namespace AlphaHost.Host.Cli;

/// <summary>One symbol whose serving model is not the one its <c>_latest</c> entry points at now.</summary>
/// <param name="Symbol">The symbol.</param>
/// <param name="Serving">The folder serving it.</param>
/// <param name="Latest">The folder its <c>_latest</c> points at now; null when the entry is gone.</param>
internal sealed record LatestDifference(string Symbol, string Serving, string? Latest);

/// <summary>
/// What <c>ml status</c> shows of the running model family: the serving set a model family writes to
/// <c>serving.json</c> in its state folder (count, oldest and newest <c>trained_at</c>, symbols whose <c>_latest</c> has
/// moved since); the family's state comes from the daemon's <c>daemon.json</c>.
/// </summary>
/// <param name="File">The serving set's file.</param>
/// <param name="UpdatedAt">When the daemon last changed the set.</param>
/// <param name="Count">Models serving.</param>
/// <param name="OldestTrainedAt">Oldest <c>trained_at</c> among them (legacy models have none).</param>
/// <param name="NewestTrainedAt">Newest <c>trained_at</c> among them.</param>
/// <param name="DiffersFromLatest">Symbols whose serving model is not their <c>_latest</c> now.</param>
/// <param name="Refused">Symbols whose model was refused, with the reason.</param>
internal sealed record ServingSetStatus(string File, DateTimeOffset? UpdatedAt, int Count, DateTimeOffset? OldestTrainedAt, DateTimeOffset? NewestTrainedAt,
    IReadOnlyList<LatestDifference> DiffersFromLatest, IReadOnlyDictionary<string, string> Refused)
{
    public const string FileName = "serving.json";

    /// <summary>Whether <see cref="Count"/> is the daemon's (its daemon.json) rather than the file's.</summary>
    public bool CountFromDaemon { get; init; }

    /// <summary>The serving set in <paramref name="stateDir"/>; null when the daemon has not written one (never served, or ML off).</summary>
    public static ServingSetStatus? Read(string stateDir)
    {
        var path = Path.Combine(stateDir, FileName);
        if (!System.IO.File.Exists(path))
        {
            return null;
        }

        using var document = JsonDocument.Parse(System.IO.File.ReadAllText(path));
        var root = document.RootElement;
        var trained = new List<DateTimeOffset>();
        var differs = new List<LatestDifference>();
        foreach (var model in root.GetProperty("models").EnumerateObject())
        {
            if (model.Value.TryGetProperty("trained_at", out var at) && at.ValueKind == JsonValueKind.String)
            {
                trained.Add(at.GetDateTimeOffset());
            }

            var folder = model.Value.GetProperty("folder").GetString()!;
            var latest = model.Value.TryGetProperty("latest", out var link) ? link.GetString() : null;
            if (!string.IsNullOrEmpty(latest) && LatestFolder(latest) is var now && now != folder)
            {
                differs.Add(new LatestDifference(model.Name, folder, now));
            }
        }

        var refused = root.TryGetProperty("refused", out var r) ? r.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "") : [];
        return new ServingSetStatus(path, root.TryGetProperty("updated_at", out var u) ? u.GetDateTimeOffset() : null, root.GetProperty("count").GetInt32(),
            trained.Count == 0 ? null : trained.Min(), trained.Count == 0 ? null : trained.Max(), differs, refused);
    }

    /// <summary>
    /// The lines <c>ml status</c> prints about the serving set. The count is the daemon's when it reported one; the trained
    /// dates, the set's change time and the <c>_latest</c> comparison are facts about files (serving.json, the models
    /// folder's links), labelled so.
    /// </summary>
    public IEnumerable<string> Describe()
    {
        var range = OldestTrainedAt is { } oldest ? $"trained {Iso(oldest)} .. {Iso(NewestTrainedAt!.Value)}; " : "";
        yield return $"serving:    {Count} model(s) ({(CountFromDaemon ? "daemon.json" : FileName)}); in {File}: {range}set changed {(UpdatedAt is { } at ? Iso(at) : "at an unknown time")}";
        yield return DiffersFromLatest.Count == 0
            ? $"_latest:    in the models folder: every serving model in {FileName} is its symbol's _latest"
            : $"_latest:    in the models folder: {DiffersFromLatest.Count} symbol(s) serve another model than their _latest (the daemon picks it up at its next model scan): "
              + string.Join(", ", DiffersFromLatest.Select(d => $"{d.Symbol} serving {d.Serving}, _latest -> {d.Latest ?? "(gone)"}"));
        if (Refused.Count > 0)
        {
            yield return $"refused:    {Refused.Count} symbol(s): " + string.Join("; ", Refused.Select(r => $"{r.Key}: {r.Value}"));
        }
    }

    private static string? LatestFolder(string latest)
    {
        var info = new DirectoryInfo(latest);
        return info.LinkTarget is { } target ? Path.GetFileName(target.TrimEnd('/', '\\')) : info.Exists ? Path.GetFileName(latest) : null;
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
