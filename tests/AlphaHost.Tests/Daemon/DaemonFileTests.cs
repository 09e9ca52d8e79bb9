using AlphaHost.Abstractions;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Health;
using AlphaHost.Host.Http;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>daemon.json's states are enums in the record and the heartbeat's spellings on disk, read back by every reader.</summary>
public sealed class DaemonFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Serialize_EveryStateOfTheRecord_IsSpelledAsTheHeartbeatSpellsItAndReadsBack()
    {
        var path = _dir.File("daemon.json");
        var record = new DaemonRecord
        {
            Status = DaemonRunState.Running, Pid = 7, StartedAt = DateTimeOffset.Parse("2026-12-07T20:00:00Z"), Version = "1", Config = "c.yaml", RuntimeDir = "r", PluginsDir = "p",
            State = SystemState.Degraded, MlState = ModelState.EnabledOk, Reasons = ["family_quarantined:chaos"],
            Data = new DaemonData(DataState.Waiting, new DateOnly(2026, 12, 8), null, null),
            Families = [new("ml_candidate", true, FamilyState.DisabledGovernance, true, null) { Mode = FamilyMode.Shadow, MlState = ModelState.DisabledGovernance }, new("chaos", true, FamilyState.Quarantined, false, "timed out")],
            Http = new HttpListenState(HttpState.Failed, "127.0.0.1:1", "in use"),
        };

        DaemonFile.Write(path, record, durable: false);
        var text = File.ReadAllText(path);
        var back = DaemonFile.TryRead(path);

        foreach (var spelled in new[] { "\"status\": \"running\"", "\"state\": \"DEGRADED\"", "\"ml_state\": \"ENABLED|OK\"", "\"state\": \"WAITING\"", "\"state\": \"DISABLED_GOVERNANCE\"",
            "\"mode\": \"shadow\"", "\"ml_state\": \"DISABLED_GOVERNANCE\"", "\"state\": \"QUARANTINED\"", "\"mode\": \"live\"", "\"state\": \"failed\"" })
        {
            Assert.Contains(spelled, text, StringComparison.Ordinal);
        }

        Assert.NotNull(back);
        Assert.Equal((DaemonRunState.Running, SystemState.Degraded, ModelState.EnabledOk, DataState.Waiting, HttpState.Failed), (back.Status, back.State, back.MlState, back.Data!.State, back.Http!.State));
        Assert.Equal([(FamilyState.DisabledGovernance, FamilyMode.Shadow), (FamilyState.Quarantined, FamilyMode.Live)], back.Families.Select(f => (f.State, f.Mode)));
    }

    [Fact]
    public void TryRead_AFileAnEarlierDaemonWrote_ReadsItsStates()
    {
        var path = _dir.Write("daemon.json", """
            {"status": "stopped", "pid": 9, "started_at": "2026-12-06T10:00:00+00:00", "version": "0.9", "config": "c.yaml", "runtime_dir": "r", "plugins_dir": "p",
             "data": {"state": "OVERDUE"}, "state": "HALTED", "reasons": ["data_overdue"], "ml_state": "DISABLED_CONFIG",
             "families": [{"name": "ml_alpha", "enabled": false, "state": "DISABLED_CONFIG", "is_model_family": true}], "http": {"state": "listening", "listen": "127.0.0.1:8080"}}
            """);

        var record = DaemonFile.TryRead(path);

        Assert.NotNull(record);
        Assert.Equal((DaemonRunState.Stopped, SystemState.Halted, ModelState.DisabledConfig, DataState.Overdue, HttpState.Listening), (record.Status, record.State, record.MlState, record.Data!.State, record.Http!.State));
        Assert.Equal((FamilyState.DisabledConfig, FamilyMode.Live), (record.Families[0].State, record.Families[0].Mode));
    }

    [Fact]
    public void TryRead_AStateSpellingItDoesNotKnow_IsAnUnreadableFileNotACrash()
    {
        var path = _dir.Write("daemon.json", """{"status": "hibernating", "pid": 9, "started_at": "2026-12-06T10:00:00+00:00", "version": "0.9", "config": "c.yaml", "runtime_dir": "r", "plugins_dir": "p"}""");

        Assert.Null(DaemonFile.TryRead(path));
    }

    public void Dispose() => _dir.Dispose();
}
