using System.Diagnostics.Metrics;
using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Health;
using AlphaHost.Host.Http;
using AlphaHost.Host.Logging;
using AlphaHost.Host.Observability;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Serilog.Extensions.Logging;

namespace AlphaHost.Tests.Health;

/// <summary>
/// The heartbeat line, daemon.json, /api/status and the metrics are renderings of one status: given the same published
/// status, each must say the same state, reasons, ml_state of every model family instance (shadow ones marked), data
/// state with the due and overdue times of the session it waits for, HTTP state and serving models.
/// </summary>
public sealed class StatusRenderingsTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-07T23:00:00Z"));
    private readonly LogFileHealth _logs = new();
    private readonly ConfigStore _store = new(AlphaHostConfig.Default("test.yaml"), NullLogger<ConfigStore>.Instance);
    private readonly DaemonIdentity _identity = new(42, DateTimeOffset.Parse("2026-12-07T22:00:00Z"), "test", "test.yaml", new RuntimePaths("plugins", "runtime"));
    private readonly MeterListener _listener = new();

    [Fact]
    public void Renderings_OfOneStatusWithAShadowInstanceALogFaultAndAFailedEndpoint_AllSayTheSameFacts()
    {
        var status = Status();

        var facts = new[] { ("heartbeat", Heartbeat(status)), ("daemon.json", DaemonJson(status)), ("/api/status", ApiStatus(status)), ("metrics", Metrics(status)) };

        var expected = new Facts("DEGRADED", ["family_degraded:ml_candidate", "http_unavailable", "log_fault:live.jsonl"],
            "ENABLED|OK", ["ml_alpha=ENABLED|OK", "ml_candidate=ENABLED|DEGRADED(shadow)"], "WAITING", "failed", 5, Due(status));
        Assert.All(facts, f => Assert.Equal(expected with { Source = f.Item1 }, f.Item2 with { Source = f.Item1 }));
        Assert.StartsWith("2026-12-08T21:00:00Z ", expected.Due);
    }

    [Fact]
    public void Renderings_OfADayWithTooManyStaleSymbols_KeepTheReasonTokenAndSayHowManyAndWhich()
    {
        var status = StaleStatus(stale: 12);

        var record = DaemonStatus.Of(status, _store.Current, _clock);
        using var daemon = JsonDocument.Parse(DaemonFile.Serialize(DaemonStatusMapping.Map(_identity, record, _store, previous: null)));
        using var api = JsonDocument.Parse(JsonSerializer.Serialize(StatusView.Of(_identity, record, _store), StatusJson.Options));
        var heartbeat = HeartbeatMessage(status);

        Assert.Contains("| reasons=stale_symbols |", heartbeat);
        Assert.Contains(" | stale_symbols=12 of 20: S00,S01,S02,S03,S04,S05,S06,S07,S08,S09 (+2 more)", heartbeat);
        Assert.Contains("stale_symbols=12 of 20: S00,", api.RootElement.GetProperty("heartbeat").GetProperty("details").GetString());
        foreach (var (name, json) in new[] { ("daemon.json", daemon.RootElement), ("/api/status", api.RootElement.GetProperty("daemon")) })
        {
            Assert.Equal(["stale_symbols"], json.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
            var stale = json.GetProperty("stale_symbols");
            Assert.True(stale.GetProperty("count").GetInt32() == 12, name);
            Assert.Equal(20, stale.GetProperty("universe").GetInt32());
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"S{i:00}"), stale.GetProperty("symbols").EnumerateArray().Select(s => s.GetString()));
        }
    }

    [Fact]
    public void Renderings_OfADayWithFewStaleSymbols_NameNoStaleSymbols()
    {
        var status = StaleStatus(stale: 2);

        var record = DaemonStatus.Of(status, _store.Current, _clock);
        using var daemon = JsonDocument.Parse(DaemonFile.Serialize(DaemonStatusMapping.Map(_identity, record, _store, previous: null)));

        Assert.Equal(SystemState.Ok, record.State);
        Assert.DoesNotContain("stale_symbols", HeartbeatMessage(status));
        Assert.False(daemon.RootElement.TryGetProperty("stale_symbols", out _));
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>A day on which the first <paramref name="stale"/> of 20 symbols were stale, every family OK.</summary>
    private HostStatus StaleStatus(int stale)
    {
        var status = new HostStatus(_clock, _logs);
        status.Publish(new CycleReport
        {
            Cycle = 3, FreshSymbols = 20 - stale, StaleSymbols = stale, UniverseSize = 20, BenchmarkFresh = true, MarketDate = new DateOnly(2026, 12, 7),
            StaleNames = [.. Enumerable.Range(0, stale).Select(i => $"S{i:00}")],
            Families = [new("momentum", true, false, FamilyState.Ok, false, 0)],
        }, TimeSpan.FromMilliseconds(2));
        return status;
    }

    private string HeartbeatMessage(HostStatus status)
    {
        var events = new List<Serilog.Events.LogEvent>();
        using var serilog = new Serilog.LoggerConfiguration().WriteTo.Sink(new CollectingSink(events)).CreateLogger();
        new HeartbeatService(status, _store, _clock, new Microsoft.Extensions.Logging.Logger<HeartbeatService>(new SerilogLoggerFactory(serilog))).Beat(final: false);
        return Assert.Single(events).RenderMessage(System.Globalization.CultureInfo.InvariantCulture).Replace("\"", "");
    }

    /// <summary>A daemon caught up after 2026-12-07 with a live and a shadow model instance, a log file it cannot write and an HTTP port it could not take.</summary>
    private HostStatus Status()
    {
        var status = new HostStatus(_clock, _logs);
        status.Publish(new CycleReport
        {
            Cycle = 3, FreshSymbols = 20, UniverseSize = 20, BenchmarkFresh = true, MarketDate = new DateOnly(2026, 12, 7),
            Families =
            [
                new("ml_alpha", true, false, FamilyState.Ok, true, 0, null, 3),
                new("ml_candidate", true, false, FamilyState.Degraded, true, 1, "drift: ret_5d", 2) { Shadow = true },
                new("momentum", true, false, FamilyState.Ok, false, 0),
            ],
        }, TimeSpan.FromMilliseconds(2));
        status.Idle(DataState.Waiting, new DateOnly(2026, 12, 7), configError: null);
        status.HttpEndpoint = new HttpListenState(HttpState.Failed, "127.0.0.1:8080", "address in use");
        _logs.Report("live.jsonl", "disk full");
        return status;
    }

    /// <summary>The due and overdue times of the session waited for, from the record itself.</summary>
    private string Due(HostStatus status) => DaemonStatus.Of(status, _store.Current, _clock).Next is { } next ? $"{Utc(next.Due)} {Utc(next.OverdueAt)}" : "none";

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private Facts Heartbeat(HostStatus status)
    {
        var events = new List<Serilog.Events.LogEvent>();
        using var serilog = new Serilog.LoggerConfiguration().WriteTo.Sink(new CollectingSink(events)).CreateLogger();
        new HeartbeatService(status, _store, _clock, new Microsoft.Extensions.Logging.Logger<HeartbeatService>(new SerilogLoggerFactory(serilog))).Beat(final: false);
        var fields = Assert.Single(events).RenderMessage().Split(" | ").Select(f => f.Split('=', 2)).Where(f => f.Length == 2)
            .GroupBy(f => f[0]).ToDictionary(g => g.Key, g => g.First()[1].Trim('"'));
        var instances = fields.TryGetValue("ml_states", out var text) ? text.Split(',').Select(i => i.Replace(':', '=')).ToArray() : [];
        return new Facts(fields["state"], [.. fields["reasons"].Split(',').Order(StringComparer.Ordinal)], fields["ml_state"], instances,
            fields["data"].Split(' ')[0], fields["http"].StartsWith("FAULT(", StringComparison.Ordinal) ? "failed" : fields["http"], int.Parse(fields["models"], System.Globalization.CultureInfo.InvariantCulture),
            string.Join(" ", fields["data"].Split(' ').Where(p => p.StartsWith("due=", StringComparison.Ordinal) || p.StartsWith("overdue_at=", StringComparison.Ordinal)).Select(p => p.Split('=')[1])));
    }

    private Facts DaemonJson(HostStatus status)
    {
        using var json = JsonDocument.Parse(DaemonFile.Serialize(DaemonStatusMapping.Map(_identity, DaemonStatus.Of(status, _store.Current, _clock), _store, previous: null)));
        return FromRecord(json.RootElement);
    }

    private Facts ApiStatus(HostStatus status)
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(StatusView.Of(_identity, DaemonStatus.Of(status, _store.Current, _clock), _store), StatusJson.Options));
        var daemon = FromRecord(json.RootElement.GetProperty("daemon"));
        var heartbeat = json.RootElement.GetProperty("heartbeat");
        var ready = json.RootElement.GetProperty("ready");
        Assert.Equal((daemon.State, daemon.MlState), (heartbeat.GetProperty("state").GetString(), heartbeat.GetProperty("ml_state").GetString()));
        Assert.Equal(string.Join(",", daemon.Reasons), string.Join(",", ready.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).Order(StringComparer.Ordinal)));
        return daemon;
    }

    private static Facts FromRecord(JsonElement record) => new(
        record.GetProperty("state").GetString()!,
        [.. record.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).Order(StringComparer.Ordinal)],
        record.GetProperty("ml_state").GetString()!,
        [.. record.GetProperty("families").EnumerateArray().Where(f => f.TryGetProperty("ml_state", out _))
            .Select(f => $"{f.GetProperty("name").GetString()}={f.GetProperty("ml_state").GetString()}{(f.GetProperty("mode").GetString() == "shadow" ? "(shadow)" : "")}")],
        record.GetProperty("data").GetProperty("state").GetString()!,
        record.GetProperty("http").GetProperty("state").GetString()!,
        record.GetProperty("families").EnumerateArray().Sum(f => f.TryGetProperty("serving_models", out var n) ? n.GetInt32() : 0),
        $"{Utc(record.GetProperty("data").GetProperty("due").GetDateTimeOffset())} {Utc(record.GetProperty("data").GetProperty("overdue_at").GetDateTimeOffset())}");

    private Facts Metrics(HostStatus status)
    {
        using var metrics = new AlphaHostMetrics(status, _store, _clock, _logs, meterName: "AlphaHost.Tests." + Guid.NewGuid().ToString("N"));
        var seen = new List<(string Name, double Value, Dictionary<string, string> Tags)>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == metrics.Meter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => seen.Add((i.Name, v, Tags(tags))));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => seen.Add((i.Name, v, Tags(tags))));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => seen.Add((i.Name, v, Tags(tags))));
        _listener.Start();
        _listener.RecordObservableInstruments();
        string Hot(string name) => string.Join(",", seen.Where(m => m.Name == name && m.Value == 1).Select(m => m.Tags["state"]));
        return new Facts(
            Hot("alphahost_state"),
            [.. seen.Where(m => m.Name == "alphahost_state_reason" && m.Value == 1).Select(m => m.Tags["reason"]).Order(StringComparer.Ordinal)],
            Hot("alphahost_ml_state"),
            [.. seen.Where(m => m.Name == "alphahost_family_ml_state" && m.Value == 1).Select(m => $"{m.Tags["family"]}={m.Tags["state"]}{(m.Tags["mode"] == "shadow" ? "(shadow)" : "")}")],
            Hot("alphahost_data_state"),
            string.Join(",", seen.Where(m => m.Name == "alphahost_http_state" && m.Value == 1).Select(m => m.Tags["state"])),
            (int)seen.Where(m => m.Name == "alphahost_models_serving").Sum(m => m.Value),
            $"{Unix(seen, "alphahost_data_due_timestamp_seconds")} {Unix(seen, "alphahost_data_overdue_at_timestamp_seconds")}");
    }

    private static string Unix(List<(string Name, double Value, Dictionary<string, string> Tags)> seen, string name) =>
        string.Join(",", seen.Where(m => m.Name == name).Select(m => Utc(DateTimeOffset.FromUnixTimeSeconds((long)m.Value))));

    private static Dictionary<string, string> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            map[tag.Key] = tag.Value?.ToString() ?? "";
        }

        return map;
    }

    /// <summary>What every rendering must agree on.</summary>
    private sealed record Facts(string State, string[] Reasons, string MlState, string[] MlStates, string Data, string Http, int ServingModels, string Due)
    {
        public string Source { get; init; } = "";

        public bool Equals(Facts? other) => other is not null && ToString() == other.ToString();

        public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

        public override string ToString() =>
            $"{Source}: state={State} reasons={string.Join(",", Reasons)} ml_state={MlState} ml_states={string.Join(",", MlStates)} data={Data} due/overdue_at={Due} http={Http} serving={ServingModels}";
    }

    private sealed class CollectingSink(List<Serilog.Events.LogEvent> events) : Serilog.Core.ILogEventSink
    {
        public void Emit(Serilog.Events.LogEvent logEvent) => events.Add(logEvent);
    }
}
