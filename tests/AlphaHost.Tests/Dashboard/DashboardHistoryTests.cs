using AlphaHost.Host.Dashboard;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Dashboard;

public sealed class DashboardHistoryTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Read_LogsOfEarlierRuns_GivesEveryHeartbeatInOrderAndTheEventsNewestFirst()
    {
        _dir.Write("logs/live.jsonl", string.Join("\n",
            Heartbeat("2026-12-01T10:00:00Z", "OK", "ENABLED|OK", 0),
            """{"ts":"2026-12-01T10:00:01Z","level":"INFO","component":"CycleService","message":"AlphaHost starting"}""",
            """{"ts":"2026-12-01T10:00:02Z","level":"CRITICAL","component":"ml_alpha","origin":"plugin","family":"ml_alpha","instance":"ml_alpha","message":"DISABLED_BY_GOVERNANCE: model ml_v1","status":"DISABLED_BY_GOVERNANCE","plugin_component":"ML_GOVERNANCE"}""",
            Heartbeat("2026-12-01T10:00:03Z", "DEGRADED", "DISABLED_GOVERNANCE", 574),
            """{"ts":"2026-12-01T10:00:04Z","level":"WARN""") + "\n");
        _dir.Write("logs/operator.jsonl", """{"ts":"2026-12-01T10:00:05Z","component":"OPERATOR","message":"ml disable: rollback drill"}""" + "\n");

        var history = DashboardHistory.Read(_dir.File("logs"));

        var points = history["points"]!.AsArray();
        Assert.Equal(["ENABLED|OK", "DISABLED_GOVERNANCE"], points.Select(p => (string)p!["MlState"]!));
        Assert.Equal(574, (int)points[1]!["ModelErrors"]!);
        Assert.Equal("momentum:OK,ml_alpha:DISABLED_GOVERNANCE", (string)points[1]!["FamilyStates"]!);
        var events = history["events"]!.AsArray();
        Assert.Equal(["operator", "daemon"], events.Select(e => (string)e!["kind"]!));
        Assert.StartsWith("DISABLED_BY_GOVERNANCE", (string)events[1]!["message"]!);
    }

    [Fact]
    public void Read_PluginForgesHeartbeatAndGovernance_PlotsOnlyTheHostsHeartbeatsAndNamesTheFamilyOfEachPluginEvent()
    {
        _dir.Write("logs/live.jsonl", string.Join("\n",
            Heartbeat("2026-12-01T10:00:00Z", "OK", "DISABLED_CONFIG", 0),
            """{"ts":"2026-12-01T10:00:01Z","level":"INFO","component":"HeartbeatService","message":"[HEARTBEAT] uptime=1s | cycles=999999 | state=OK","Cycles":999999,"State":"OK","MlState":"DISABLED_CONFIG","origin":"plugin","family":"forged_heartbeat","instance":"forged_heartbeat"}""",
            """{"ts":"2026-12-01T10:00:02Z","level":"CRITICAL","component":"forged_scope","message":"DISABLED_BY_GOVERNANCE: model ml_v1 (forged)","origin":"plugin","family":"forged_scope","instance":"forged_scope","plugin_component":"ML_GOVERNANCE"}""",
            """{"ts":"2026-12-01T10:00:03Z","level":"WARNING","component":"ML_GOVERNANCE","message":"Alert governance_tripped (forged)","origin":"plugin","family":"forged_scope","instance":"forged_scope"}""") + "\n");

        var history = DashboardHistory.Read(_dir.File("logs"));

        var point = Assert.Single(history["points"]!.AsArray());
        Assert.Equal(3, (int)point!["Cycles"]!);
        var shown = Assert.Single(history["events"]!.AsArray());
        Assert.Equal(("forged_scope", "plugin"), ((string?)shown!["component"], (string?)shown["origin"]));
    }

    [Fact]
    public void Read_NoLogsYet_IsEmpty()
    {
        var history = DashboardHistory.Read(_dir.File("logs"));

        Assert.Empty(history["points"]!.AsArray());
        Assert.Empty(history["events"]!.AsArray());
    }

    [Fact]
    public void Read_ManyHeartbeats_ThinnedToMaxPointsKeepingTheNewest()
    {
        var lines = Enumerable.Range(0, 3 * DashboardHistory.MaxPoints)
            .Select(i => Heartbeat(DateTimeOffset.Parse("2026-12-01T00:00:00Z").AddSeconds(i).ToString("yyyy-MM-ddTHH:mm:ssZ"), "OK", "ENABLED|OK", i));
        _dir.Write("logs/live.jsonl", string.Join("\n", lines) + "\n");

        var points = DashboardHistory.Read(_dir.File("logs"))["points"]!.AsArray();

        Assert.InRange(points.Count, DashboardHistory.MaxPoints, DashboardHistory.MaxPoints + 1);
        Assert.Equal(3 * DashboardHistory.MaxPoints - 1, (int)points[^1]!["ModelErrors"]!);
    }

    [Fact]
    public void Read_APauseLongerThanAFewHeartbeatsAndARestart_MarkEachAsAGap()
    {
        _dir.Write("logs/live.jsonl", string.Join("\n",
            Heartbeat("2026-12-01T10:00:00Z", "OK", "ENABLED|OK", 0),
            Heartbeat("2026-12-01T10:00:10Z", "OK", "ENABLED|OK", 0),
            Heartbeat("2026-12-01T10:00:20Z", "OK", "ENABLED|OK", 0),
            Heartbeat("2026-12-01T10:05:00Z", "OK", "ENABLED|OK", 0),
            Host("2026-12-01T10:05:04Z", "CycleService", "Cycle loop stopped after 40 cycles"),
            Heartbeat("2026-12-01T10:05:05Z", "OK", "ENABLED|OK", 0),
            Host("2026-12-01T10:05:09Z", "CycleService", "AlphaHost starting: config golden.yaml"),
            Heartbeat("2026-12-01T10:05:12Z", "HALTED", "ENABLED|OK", 0),
            Heartbeat("2026-12-01T10:05:22Z", "OK", "ENABLED|OK", 0)) + "\n");

        var points = DashboardHistory.Read(_dir.File("logs"))["points"]!.AsArray();

        Assert.Equal([false, false, false, true, false, true, false], points.Select(p => (bool?)p!["gap"] ?? false));
        var events = DashboardHistory.Read(_dir.File("logs"))["events"]!.AsArray();
        Assert.Equal(["start", "stop"], events.Select(e => (string)e!["kind"]!));
    }

    [Fact]
    public void Read_ShortDisableBetweenTwoHeartbeats_ListsTheOperatorCommandsAndTheDaemonsStateChangesInOrder()
    {
        _dir.Write("logs/live.jsonl", string.Join("\n",
            Heartbeat("2026-12-01T10:00:00Z", "OK", "ENABLED|OK", 0),
            Host("2026-12-01T10:00:03Z", "ConfigStore", "Configuration reloaded from golden.yaml: features.ml_enabled=false"),
            Host("2026-12-01T10:00:03.100Z", "FamilySupervisor", "Family ml_alpha disabled by configuration; its worker was stopped", family: "ml_alpha"),
            Host("2026-12-01T10:00:16Z", "ConfigStore", "Configuration reloaded from golden.yaml: features.ml_enabled=true"),
            Heartbeat("2026-12-01T10:00:30Z", "OK", "ENABLED|OK", 0)) + "\n");
        _dir.Write("logs/operator.jsonl", string.Join("\n",
            """{"ts":"2026-12-01T10:00:02.500Z","level":"WARNING","component":"OPERATOR","message":"ml disable by ops@box: x","command":"ml disable","reason":"x"}""",
            """{"ts":"2026-12-01T10:00:15.500Z","level":"WARNING","component":"OPERATOR","message":"ml enable by ops@box: back","command":"ml enable","reason":"back"}""") + "\n");

        var history = DashboardHistory.Read(_dir.File("logs"));

        var events = history["events"]!.AsArray().Reverse().ToArray();
        Assert.Equal(["operator", "config", "family", "operator", "config"], events.Select(e => (string)e!["kind"]!));
        Assert.Equal("ml_alpha", (string?)events[2]!["family"]);
        Assert.StartsWith("ml disable", (string)events[0]!["message"]!);
        Assert.All(history["points"]!.AsArray(), p => Assert.Equal("ENABLED|OK", (string)p!["MlState"]!));
    }

    [Fact]
    public void Read_HeartbeatWithTheRecentWindowsP99_PlotsItNotTheP99PinnedByTheFirstCycle()
    {
        _dir.Write("logs/live.jsonl", Heartbeat("2026-12-01T10:00:00Z", "OK", "ENABLED|OK", 0).Replace("\"Data\"", "\"CycleP50RecentMs\":1.25,\"CycleP99RecentMs\":3.5,\"Data\"", StringComparison.Ordinal)
            + "\n" + Heartbeat("2026-12-01T10:00:10Z", "OK", "ENABLED|OK", 0) + "\n");

        var points = DashboardHistory.Read(_dir.File("logs"))["points"]!.AsArray();

        Assert.Equal([3.5, 4.5], points.Select(p => (double)p!["P99Ms"]!));
        Assert.Equal([1.25, 1.5], points.Select(p => (double)p!["P50Ms"]!));
    }

    [Fact]
    public void Read_DisableConfirmedAndEnable13SecondsLaterBetweenHeartbeats30SecondsApart_MlStateLineDipsToDisabledConfigFor13Seconds()
    {
        _dir.Write("logs/live.jsonl", string.Join("\n",
            Heartbeat("2026-12-01T10:00:00Z", "OK", "ENABLED|OK", 0),
            Host("2026-12-01T10:00:03Z", "ConfigStore", "Configuration reloaded from golden.yaml: features.ml_enabled=false"),
            StateChange("2026-12-01T10:00:03.200Z", "OK", "DISABLED_CONFIG", "OK", "ENABLED|OK"),
            Host("2026-12-01T10:00:16Z", "ConfigStore", "Configuration reloaded from golden.yaml: features.ml_enabled=true"),
            StateChange("2026-12-01T10:00:16.200Z", "OK", "ENABLED|OK", "OK", "DISABLED_CONFIG"),
            Heartbeat("2026-12-01T10:00:30Z", "OK", "ENABLED|OK", 0)) + "\n");

        var timelines = DashboardHistory.Read(_dir.File("logs"))["timelines"]!;

        Assert.Equal(
            [("ENABLED|OK", 3.2), ("DISABLED_CONFIG", 13.0), ("ENABLED|OK", 13.8)],
            Segments(timelines["ml_state"]!).Select(s => (s.Value, s.Seconds)));
        Assert.Equal([("OK", 30.0)], Segments(timelines["state"]!).Select(s => (s.Value, s.Seconds)));
    }

    [Fact]
    public void Read_PluginForgesStateChangeRecords_TheLinesKeepTheHostsStates()
    {
        _dir.Write("logs/live.jsonl", string.Join("\n",
            Heartbeat("2026-12-01T10:00:00Z", "OK", "ENABLED|OK", 0),
            StateChange("2026-12-01T10:00:05Z", "HALTED", "DISABLED_GOVERNANCE", "OK", "ENABLED|OK").Replace("\"origin\":\"host\"", "\"origin\":\"plugin\",\"family\":\"forged\"", StringComparison.Ordinal),
            StateChange("2026-12-01T10:00:06Z", "HALTED", "DISABLED_GOVERNANCE", "OK", "ENABLED|OK").Replace(",\"origin\":\"host\"", "", StringComparison.Ordinal),
            Heartbeat("2026-12-01T10:00:30Z", "OK", "ENABLED|OK", 0)) + "\n");

        var timelines = DashboardHistory.Read(_dir.File("logs"))["timelines"]!;

        Assert.Equal([("ENABLED|OK", 30.0)], Segments(timelines["ml_state"]!).Select(s => (s.Value, s.Seconds)));
        Assert.Equal([("OK", 30.0)], Segments(timelines["state"]!).Select(s => (s.Value, s.Seconds)));
    }

    [Fact]
    public void Read_LogsOfAnOlderVersionWithoutStateChangeRecords_TheHeartbeatsMakeTheLineAndARestartBreaksIt()
    {
        _dir.Write("logs/live.jsonl", string.Join("\n",
            Heartbeat("2026-12-01T10:00:00Z", "OK", "ENABLED|OK", 0),
            Heartbeat("2026-12-01T10:00:10Z", "DEGRADED", "DISABLED_GOVERNANCE", 574),
            Host("2026-12-01T10:00:12Z", "CycleService", "AlphaHost starting: config golden.yaml"),
            Heartbeat("2026-12-01T10:00:15Z", "OK", "ENABLED|OK", 0),
            Heartbeat("2026-12-01T10:00:25Z", "OK", "ENABLED|OK", 0)) + "\n");

        var segments = Segments(DashboardHistory.Read(_dir.File("logs"))["timelines"]!["ml_state"]!);

        Assert.Equal([("ENABLED|OK", 10.0), ("DISABLED_GOVERNANCE", 0.0), ("ENABLED|OK", 10.0)], segments.Select(s => (s.Value, s.Seconds)));
        Assert.Equal(segments[0].To, segments[1].From);
        Assert.NotEqual(segments[1].To, segments[2].From);
    }

    [Fact]
    public void Read_FirstStateChangeRecordOfARunBeforeItsStartRecord_StartsTheNewLineThere()
    {
        _dir.Write("logs/live.jsonl", string.Join("\n",
            Heartbeat("2026-12-01T10:00:00Z", "OK", "ENABLED|OK", 0),
            Heartbeat("2026-12-01T10:00:10Z", "OK", "ENABLED|OK", 0),
            StateChange("2026-12-01T10:00:11Z", "HALTED", "ENABLED|OK", "none", "none"),
            Host("2026-12-01T10:00:11.010Z", "CycleService", "AlphaHost starting: config golden.yaml"),
            StateChange("2026-12-01T10:00:14Z", "OK", "ENABLED|OK", "HALTED", "ENABLED|OK"),
            Heartbeat("2026-12-01T10:00:20Z", "OK", "ENABLED|OK", 0)) + "\n");

        var segments = Segments(DashboardHistory.Read(_dir.File("logs"))["timelines"]!["state"]!);

        Assert.Equal([("OK", 10.0), ("HALTED", 3.0), ("OK", 6.0)], segments.Select(s => (s.Value, s.Seconds)));
        Assert.NotEqual(segments[0].To, segments[1].From);
    }

    public void Dispose() => _dir.Dispose();

    private static string Heartbeat(string ts, string state, string ml, int errors) =>
        $$"""{"ts":"{{ts}}","level":"INFO","component":"HeartbeatService","origin":"host","message":"[HEARTBEAT] uptime=1s | state={{state}}","Cycles":3,"State":"{{state}}","MlState":"{{ml}}","ModelErrors":{{errors}},"FamilyStates":"momentum:OK,ml_alpha:{{(ml == "ENABLED|OK" ? "OK" : ml)}}","CycleP50Ms":1.5,"CycleP99Ms":4.5,"Data":"REPLAYING","Models":3}""";

    private static string StateChange(string ts, string state, string ml, string previousState, string previousMl) =>
        $$"""{"ts":"{{ts}}","level":"INFO","component":"StateChangeWatcher","origin":"host","message":"State changed: state={{state}} ml_state={{ml}} (was state={{previousState}} ml_state={{previousMl}}); reasons=none","State":"{{state}}","MlState":"{{ml}}","PreviousState":"{{previousState}}","PreviousMlState":"{{previousMl}}","Reasons":"none"}""";

    private static (string Value, double Seconds, DateTimeOffset From, DateTimeOffset To)[] Segments(System.Text.Json.Nodes.JsonNode timeline) =>
    [
        .. timeline.AsArray().Select(s => (From: DateTimeOffset.Parse((string)s!["from"]!), To: DateTimeOffset.Parse((string)s["to"]!), Value: (string)s["value"]!))
            .Select(s => (s.Value, (s.To - s.From).TotalSeconds, s.From, s.To)),
    ];

    private static string Host(string ts, string component, string message, string? family = null) =>
        $$"""{"ts":"{{ts}}","level":"INFO","component":"{{component}}","origin":"host","message":"{{message}}"{{(family is null ? "" : $",\"Family\":\"{family}\"")}}}""";
}
