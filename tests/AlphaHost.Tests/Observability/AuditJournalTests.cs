using System.Diagnostics.Metrics;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Health;
using AlphaHost.Host.Logging;
using AlphaHost.Host.Observability;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Observability;

public sealed class AuditJournalTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Recent_TwoAuditsAndALineCutShortByACrash_GivesBothInOrderAndTheNewestLast()
    {
        var logs = _dir.File("runtime/logs");
        AuditJournal.Append(logs, Record("2026-11-30T10:00:00Z", 0.9, "FAIL"));
        AuditJournal.Append(logs, Record("2026-12-01T10:00:00Z", 0.98, "PASS"));
        File.AppendAllText(Path.Combine(logs, AuditJournal.FileName), "{\"ts\":\"2026-12-01T11:00:00Z\",\"report\":\"/tmp/cu");

        var recent = AuditJournal.Recent(logs, 10);

        Assert.Equal([0.9, 0.98], recent.Select(r => r.PassRate));
        Assert.Equal("PASS", AuditJournal.Newest(logs)!.Verdict);
        Assert.Empty(AuditJournal.Recent(_dir.File("nowhere"), 10));
    }

    [Fact]
    public void Append_AfterALineCutShortByACrash_TheNewAuditIsReadBack()
    {
        var logs = _dir.File("runtime/logs");
        AuditJournal.Append(logs, Record("2026-11-30T10:00:00Z", 0.9, "FAIL"));
        File.AppendAllText(Path.Combine(logs, AuditJournal.FileName), "{\"ts\":\"2026-12-01T11:00:00Z\",\"report\":\"/tmp/cu");

        AuditJournal.Append(logs, Record("2026-12-01T12:00:00Z", 0.98, "PASS"));

        Assert.Equal([0.9, 0.98], AuditJournal.Recent(logs, 10).Select(r => r.PassRate));
    }

    [Fact]
    public void Scrape_AfterAnAuditInTheRuntimeFolder_ExportsItsPassRateAndTime_AndTheNextAuditReplacesThem()
    {
        var config = AlphaHostConfig.Default(_dir.File("configs/golden_config.yaml"));
        var logs = RuntimePaths.From(config).LogsDir;
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T12:00:00Z"));
        using var metrics = new AlphaHostMetrics(new HostStatus(clock), new ConfigStore(config, NullLogger<ConfigStore>.Instance), clock, new LogFileHealth(),
            meterName: "AlphaHost.Tests." + Guid.NewGuid().ToString("N"));
        var seen = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.Meter && instrument.Name.StartsWith("alphahost_audit_", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => seen[instrument.Name] = value);
        listener.Start();

        listener.RecordObservableInstruments();
        Assert.Empty(seen);

        AuditJournal.Append(logs, Record("2026-12-01T10:00:00Z", 0.9, "FAIL"));
        listener.RecordObservableInstruments();
        Assert.Equal(0.9, seen["alphahost_audit_pass_ratio"]);
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T10:00:00Z").ToUnixTimeSeconds(), seen["alphahost_audit_timestamp_seconds"]);

        AuditJournal.Append(logs, Record("2026-12-01T11:00:00Z", 0.97, "PASS"));
        listener.RecordObservableInstruments();
        Assert.Equal(0.97, seen["alphahost_audit_pass_ratio"]);
    }

    [Fact]
    public void DashboardHistory_HoldsEachAuditsPassRate()
    {
        var logs = _dir.File("runtime/logs");
        AuditJournal.Append(logs, Record("2026-11-30T10:00:00Z", 0.9, "FAIL"));
        AuditJournal.Append(logs, Record("2026-12-01T10:00:00Z", 0.98, "PASS"));

        var audits = Host.Dashboard.DashboardHistory.Read(logs)["audits"]!.AsArray();

        Assert.Equal([0.9, 0.98], audits.Select(a => (double)a!["pass_rate"]!));
    }

    public void Dispose() => _dir.Dispose();

    private static AuditRecord Record(string at, double passRate, string verdict) =>
        new(DateTimeOffset.Parse(at), "/srv/reports/audit.json", "ml_alpha", new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 30), 100,
            (int)(passRate * 100), passRate, 0.95, verdict);
}

public sealed class ContributionHistoryTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void MeanAbsContributions_AreEachFamilysMeanAbsoluteWeightTimesSignal()
    {
        var combined = new Host.Cycle.CombinedSignals(1, new DateOnly(2026, 11, 2), ["momentum", "reversal"],
            [new("AAA", 0.1, [0.3, -0.2]), new("AAB", -0.1, [-0.1, 0.0])]);

        var means = combined.MeanAbsContributions();

        Assert.Equal(["momentum", "reversal"], means.Select(m => m.Key));
        Assert.Equal(0.2, means[0].Value, 12);
        Assert.Equal(0.1, means[1].Value, 12);
    }

    [Fact]
    public void DashboardHistory_KeepsEachHeartbeatsContributions()
    {
        var logs = _dir.File("runtime/logs");
        Directory.CreateDirectory(logs);
        File.WriteAllLines(Path.Combine(logs, "live.jsonl"),
        [
            "{\"ts\":\"2026-12-01T10:00:00.000Z\",\"origin\":\"host\",\"message\":\"[HEARTBEAT] uptime=30s\",\"Cycles\":30,\"Contributions\":\"momentum:0.01,reversal:0.02\"}",
            "{\"ts\":\"2026-12-01T10:00:30.000Z\",\"origin\":\"host\",\"message\":\"[HEARTBEAT] uptime=60s\",\"Cycles\":60,\"Contributions\":\"momentum:0.03,reversal:0.01\"}",
        ]);

        var points = Host.Dashboard.DashboardHistory.Read(logs)["points"]!.AsArray();

        Assert.Equal(["momentum:0.01,reversal:0.02", "momentum:0.03,reversal:0.01"], points.Select(p => (string)p!["Contributions"]!));
    }

    public void Dispose() => _dir.Dispose();
}
