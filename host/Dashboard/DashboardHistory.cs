using System.Text.Json;
using System.Text.Json.Nodes;

namespace AlphaHost.Host.Dashboard;

/// <summary>
/// The dashboard's history, read back from what the daemon already writes: the heartbeats and events of
/// <c>logs/live.jsonl</c> (its newest <see cref="TailBytes"/>; heartbeats and the daemon's events only from the host's
/// own records, <c>origin: host</c>; governance events of a family shown under the family's name), the operator commands
/// of <c>logs/operator.jsonl</c> and the audits of <c>logs/audits.jsonl</c>. Nothing is kept in memory or written for
/// it, so it survives restarts as the logs do. State changes come from the events, each at its own time, not from the
/// heartbeats: a disable and enable between two heartbeats is still on the timeline, as markers and, from the host's
/// state-change records, as a step of the state and ml_state lines (<see cref="DashboardTimeline"/>).
/// </summary>
internal static class DashboardHistory
{
    /// <summary>How much of the end of <c>live.jsonl</c> is read: about a day of heartbeats at the 30 s default.</summary>
    public const int TailBytes = 16 * 1024 * 1024;

    /// <summary>Points per series at most; older heartbeats are thinned evenly.</summary>
    public const int MaxPoints = 600;

    /// <summary>A pause between heartbeats longer than this many of their usual intervals is a gap, not a line.</summary>
    public const int GapIntervals = 3;

    private const int MaxEvents = 200;

    private static readonly string[] HeartbeatFields =
        ["Cycles", "State", "MlState", "ModelErrors", "MarketDate", "FamilyStates", "CycleP50Ms", "CycleP99Ms", "MemoryMb", "Reasons", "Data", "Models", "Symbols", "Contributions"];

    /// <summary>The host's own records that change a state or mark a start or stop, by how their message starts (or what it holds).</summary>
    private static readonly (string Kind, string Text, bool Prefix)[] HostEvents =
    [
        ("state", Health.StateChangeWatcher.MessageStart, true),
        ("start", "AlphaHost starting", true),
        ("stop", "Cycle loop stopped", true),
        ("config", "Configuration reloaded", true),
        ("family", " disabled by configuration", false),
        ("family", " is no longer configured", false),
        ("daemon", "Alert ", true),
        ("daemon", "GOVERNANCE", false),
    ];

    public static JsonObject Read(string logsDir)
    {
        var points = new List<JsonObject>();
        var events = new List<JsonObject>();
        var restarts = new List<string>();
        var samples = new List<StateSample>();
        foreach (var line in Internal.FileTail.Lines(Path.Combine(logsDir, "live.jsonl"), TailBytes))
        {
            // A cheap look before parsing: most lines are none of these.
            if (!line.Contains("[HEARTBEAT]", StringComparison.Ordinal) && !HostEvents.Any(e => line.Contains(e.Text, StringComparison.Ordinal)))
            {
                continue;
            }

            if (Parse(line) is not { } json || Kind(json) is not { } kind)
            {
                continue;
            }

            if (kind == "heartbeat")
            {
                points.Add(Point(json));
                samples.AddRange(Sample(json, runStart: false));
            }
            else if (kind == "state")
            {
                samples.AddRange(Sample(json, runStart: Text(json, "PreviousState") == Health.StateChangeWatcher.NoneYet));
            }
            else
            {
                events.Add(Event(json, kind));
                if (kind == "start")
                {
                    restarts.Add(Text(json, "ts") ?? "");
                }
            }
        }

        foreach (var line in Internal.FileTail.Lines(Path.Combine(logsDir, "operator.jsonl"), 1024 * 1024))
        {
            if (Parse(line) is { } json)
            {
                events.Add(Event(json, "operator"));
            }
        }

        var gapLimit = GapLimit(points);
        var starts = restarts.Select(r => Instant(JsonValue.Create(r))).OfType<DateTimeOffset>().ToArray();
        MarkGaps(points, starts, gapLimit);
        var thinned = Thin(points);
        return new JsonObject
        {
            ["points"] = new JsonArray([.. thinned]),
            ["timelines"] = DashboardTimeline.Build(samples, starts, gapLimit),
            ["events"] = new JsonArray([.. events.OrderByDescending(e => Instant(e["ts"]), Comparer<DateTimeOffset?>.Default).Take(MaxEvents)]),
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

    /// <summary>"heartbeat" for the host's heartbeat, an event's kind for an event to show, null for neither.</summary>
    private static string? Kind(JsonObject json)
    {
        var message = Text(json, "message") ?? "";
        if (Text(json, Logging.LogOrigin.Property) != Logging.LogOrigin.Host)
        {
            return Text(json, Logging.LogOrigin.MovedPrefix + Logging.LoggingCategories.Component) == "ML_GOVERNANCE" ? "daemon" : null;
        }

        if (message.StartsWith("[HEARTBEAT]", StringComparison.Ordinal))
        {
            return "heartbeat";
        }

        return HostEvents.FirstOrDefault(e => e.Prefix ? message.StartsWith(e.Text, StringComparison.Ordinal) : message.Contains(e.Text, StringComparison.Ordinal)).Kind;
    }

    private static IEnumerable<StateSample> Sample(JsonObject json, bool runStart) =>
        Instant(json["ts"]) is { } at ? [new StateSample(at, Text(json, "State"), Text(json, "MlState"), runStart)] : [];

    private static JsonObject Point(JsonObject json)
    {
        var point = new JsonObject { ["ts"] = json["ts"]?.DeepClone() };
        foreach (var field in HeartbeatFields)
        {
            point[field] = json[field]?.DeepClone();
        }

        // The plotted latency: the recent cycles' (since the heartbeat carried them), else the 1,024-cycle window's.
        point["P50Ms"] = (json["CycleP50RecentMs"] ?? json["CycleP50Ms"])?.DeepClone();
        point["P99Ms"] = (json["CycleP99RecentMs"] ?? json["CycleP99Ms"])?.DeepClone();
        point["final"] = json["final"]?.DeepClone();
        return point;
    }

    /// <summary>More than <see cref="GapIntervals"/> usual intervals (the median one) between heartbeats: a pause, not a line.</summary>
    private static TimeSpan GapLimit(List<JsonObject> points)
    {
        var times = points.Select(p => Instant(p["ts"])).ToArray();
        var intervals = times.Zip(times.Skip(1), (a, b) => a is { } x && b is { } y ? (y - x).TotalSeconds : double.NaN).Where(d => d > 0).Order().ToArray();
        return intervals.Length == 0 ? TimeSpan.MaxValue : TimeSpan.FromSeconds(GapIntervals * intervals[intervals.Length / 2]);
    }

    /// <summary>
    /// Marks <c>gap</c> on a heartbeat that follows a pause longer than <paramref name="limit"/> or a daemon start: the page
    /// draws no line across it.
    /// </summary>
    private static void MarkGaps(List<JsonObject> points, DateTimeOffset[] starts, TimeSpan limit)
    {
        var times = points.Select(p => Instant(p["ts"])).ToArray();
        for (var i = 1; i < points.Count; i++)
        {
            if (times[i - 1] is not { } before || times[i] is not { } at)
            {
                continue;
            }

            if (at - before > limit || starts.Any(s => s > before && s <= at))
            {
                points[i]["gap"] = true;
            }
        }
    }

    private static DateTimeOffset? Instant(JsonNode? ts) =>
        ts is JsonValue value && value.TryGetValue<string>(out var text)
        && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static string? Text(JsonObject json, string name) => json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static JsonObject Event(JsonObject json, string kind) => new()
    {
        ["ts"] = json["ts"]?.DeepClone(),
        ["kind"] = kind,
        ["level"] = json["level"]?.DeepClone(),
        ["component"] = json["component"]?.DeepClone(),
        ["origin"] = json["origin"]?.DeepClone(),
        ["family"] = (json["family"] ?? json["Family"])?.DeepClone(),
        ["message"] = json["message"]?.DeepClone() ?? new JsonObject(json.Where(p => p.Key != "ts").Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString(),
    };

    /// <summary>Keeps <see cref="MaxPoints"/> evenly spread, and the newest; a gap among the dropped ones marks the next kept one.</summary>
    private static List<JsonObject> Thin(List<JsonObject> points)
    {
        if (points.Count <= MaxPoints)
        {
            return points;
        }

        var step = (double)points.Count / MaxPoints;
        var kept = Enumerable.Range(0, MaxPoints).Select(i => (int)(i * step)).Append(points.Count - 1).Distinct().ToArray();
        for (var k = 1; k < kept.Length; k++)
        {
            if (Enumerable.Range(kept[k - 1] + 1, kept[k] - kept[k - 1]).Any(i => points[i]["gap"] is not null))
            {
                points[kept[k]]["gap"] = true;
            }
        }

        return [.. kept.Select(i => points[i])];
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
