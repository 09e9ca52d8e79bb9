using System.Text.Json;
using System.Text.Json.Nodes;

namespace AlphaHost.Host.Dashboard;

/// <summary>
/// The dashboard's history, read back from what the daemon already writes: the heartbeats and governance and alert
/// events of <c>logs/live.jsonl</c> (heartbeats and alerts only from the host's own records, <c>origin: host</c>;
/// governance events of a family shown under the family's name) (its newest <see cref="TailBytes"/>) and the operator commands of
/// <c>logs/operator.jsonl</c>, and the audits of <c>logs/audits.jsonl</c>. Nothing is kept in memory or written for it, so it survives restarts as the logs do.
/// </summary>
internal static class DashboardHistory
{
    /// <summary>How much of the end of <c>live.jsonl</c> is read: about a day of heartbeats at the 30 s default.</summary>
    public const int TailBytes = 16 * 1024 * 1024;

    /// <summary>Points per series at most; older heartbeats are thinned evenly.</summary>
    public const int MaxPoints = 600;

    private const int MaxEvents = 50;

    private static readonly string[] HeartbeatFields =
        ["Cycles", "State", "MlState", "ModelErrors", "MarketDate", "FamilyStates", "CycleP50Ms", "CycleP99Ms", "MemoryMb", "Reasons", "Data", "Models", "Symbols", "Contributions"];

    public static JsonObject Read(string logsDir)
    {
        var points = new List<JsonObject>();
        var events = new List<JsonObject>();
        foreach (var line in Internal.FileTail.Lines(Path.Combine(logsDir, "live.jsonl"), TailBytes))
        {
            // A cheap look before parsing: most lines are none of these.
            if (!line.Contains("[HEARTBEAT]", StringComparison.Ordinal) && !line.Contains("\"Alert ", StringComparison.Ordinal) && !line.Contains("GOVERNANCE", StringComparison.Ordinal))
            {
                continue;
            }

            if (Parse(line) is not { } json || Kind(json) is not { } heartbeat)
            {
                continue;
            }

            if (heartbeat)
            {
                var point = new JsonObject { ["ts"] = json["ts"]?.DeepClone() };
                foreach (var field in HeartbeatFields)
                {
                    point[field] = json[field]?.DeepClone();
                }

                points.Add(point);
            }
            else
            {
                events.Add(Event(json, "daemon"));
            }
        }

        foreach (var line in Internal.FileTail.Lines(Path.Combine(logsDir, "operator.jsonl"), 1024 * 1024))
        {
            if (Parse(line) is { } json)
            {
                events.Add(Event(json, "operator"));
            }
        }

        var thinned = Thin(points);
        return new JsonObject
        {
            ["points"] = new JsonArray([.. thinned]),
            ["events"] = new JsonArray([.. events.OrderByDescending(e => (string?)e["ts"], StringComparer.Ordinal).Take(MaxEvents)]),
            ["audits"] = new JsonArray([.. Observability.AuditJournal.Recent(logsDir, MaxPoints).Select(a => new JsonObject
            {
                ["ts"] = a.At.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
                ["pass_rate"] = a.PassRate,
                ["verdict"] = a.Verdict,
                ["report"] = a.Report,
            })]),
            ["source"] = logsDir,
        };
    }

    /// <summary>True for the host's heartbeat, false for an event to list (the host's alert and governance lines, a family's governance events), null for neither.</summary>
    private static bool? Kind(JsonObject json)
    {
        var host = Text(json, Logging.LogOrigin.Property) == Logging.LogOrigin.Host;
        var message = Text(json, "message") ?? "";
        if (host)
        {
            return message.StartsWith("[HEARTBEAT]", StringComparison.Ordinal) ? true
                : message.StartsWith("Alert ", StringComparison.Ordinal) || message.Contains("GOVERNANCE", StringComparison.Ordinal) ? false
                : null;
        }

        return Text(json, Logging.LogOrigin.MovedPrefix + Logging.LoggingCategories.Component) == "ML_GOVERNANCE" ? false : null;
    }

    private static string? Text(JsonObject json, string name) => json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static JsonObject Event(JsonObject json, string kind) => new()
    {
        ["ts"] = json["ts"]?.DeepClone(),
        ["kind"] = kind,
        ["level"] = json["level"]?.DeepClone(),
        ["component"] = json["component"]?.DeepClone(),
        ["origin"] = json["origin"]?.DeepClone(),
        ["message"] = json["message"]?.DeepClone() ?? new JsonObject(json.Where(p => p.Key != "ts").Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString(),
    };

    private static List<JsonObject> Thin(List<JsonObject> points)
    {
        if (points.Count <= MaxPoints)
        {
            return points;
        }

        var step = (double)points.Count / MaxPoints;
        return Enumerable.Range(0, MaxPoints).Select(i => points[(int)(i * step)]).Append(points[^1]).Distinct().ToList();
    }

    private static JsonObject? Parse(string line)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
