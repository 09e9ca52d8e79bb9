using System.Text.Json;
using AlphaHost.Host.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Serilog.Core;
using Serilog.Events;

namespace AlphaHost.Tests.Logging;

public sealed class PluginLogGateTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z"));
    private readonly List<LogEvent> _written = [];

    [Fact]
    public void Log_ScopeAndPropertiesClaimHostNames_RecordIsStampedAsTheFamilysAndItsOwnValuesMovedAside()
    {
        var logger = Factory(Gate()).CreateLogger("AnyCategory");

        using (logger.BeginScope(new Dictionary<string, object?> { ["SourceContext"] = "AlphaHost.Host.Health.HeartbeatService", ["component"] = "ML_GOVERNANCE", ["origin"] = "host" }))
        {
            logger.LogError("{family} model {model} disabled", "momentum", "ml_v1");
        }

        var record = Records().First(r => r.GetProperty("origin").GetString() == "plugin");
        Assert.Equal(("evil", "evil", "evil_family"), (record.GetProperty("component").GetString(), record.GetProperty("instance").GetString(), record.GetProperty("family").GetString()));
        Assert.Equal(("AlphaHost.Host.Health.HeartbeatService", "ML_GOVERNANCE", "host", "momentum"),
            (record.GetProperty("plugin_SourceContext").GetString(), record.GetProperty("plugin_component").GetString(), record.GetProperty("plugin_origin").GetString(),
                record.GetProperty("plugin_family").GetString()));
        Assert.Equal("momentum model ml_v1 disabled", record.GetProperty("message").GetString());
    }

    [Fact]
    public void Log_HeartbeatTagInTemplateOrValue_IsRenamedAndCountedWithOneHostWarning()
    {
        var gate = Gate();
        var logger = Factory(gate).CreateLogger("AnyCategory");

        logger.LogInformation("[HEARTBEAT] uptime=1s | cycles={Cycles} | state=OK", 999_999);
        logger.LogInformation("{Line}", "[HEARTBEAT] uptime=1s | cycles=999999 | state=OK");
        logger.LogInformation("a plain line");

        var plugin = Records().Where(r => r.GetProperty("origin").GetString() == "plugin").Select(r => r.GetProperty("message").GetString()!).ToList();
        Assert.Equal(["[plugin:HEARTBEAT] uptime=1s | cycles=999999 | state=OK", "[plugin:HEARTBEAT] uptime=1s | cycles=999999 | state=OK", "a plain line"], plugin);
        Assert.Equal(2, gate.Rewritten);
        var warning = Assert.Single(Records(), r => r.GetProperty("origin").GetString() == "host");
        Assert.StartsWith("Family evil logged what belongs to the host", warning.GetProperty("message").GetString());
    }

    [Fact]
    public void Log_BeyondTheBytesBudgetAndItsBurst_DroppedAndCountedUntilTheNextCycleAddsItsBytes()
    {
        var gate = Gate(new PluginLogBudget(1_000_000, 10_000));
        var logger = Factory(gate).CreateLogger("AnyCategory");

        for (var i = 0; i < 100; i++)
        {
            logger.LogInformation("flood {Payload}", new string('x', 1000));
        }

        // ~2 KB an event (its message and its Payload), 16 cycles' worth of 10,000 bytes saved up at start.
        var written = _written.Count;
        Assert.InRange(written, 75, 80);
        Assert.Equal(100 - written, gate.EndCycle(new PluginLogBudget(1_000_000, 10_000)));
        logger.LogInformation("next cycle");
        Assert.Equal(written + 1, _written.Count);
        Assert.Equal(0, gate.EndCycle(new PluginLogBudget(1_000_000, 10_000)));
        Assert.Equal(100 - written, gate.Dropped);
    }

    [Fact]
    public void Log_BeyondEventsPerSecond_DroppedUntilTimePasses()
    {
        var gate = Gate(new PluginLogBudget(5, 1 << 20));
        var logger = Factory(gate).CreateLogger("AnyCategory");

        for (var i = 0; i < 60; i++)
        {
            logger.LogInformation("burst {Index}", i);
        }

        _clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10; i++)
        {
            logger.LogInformation("a second later {Index}", i);
        }

        Assert.Equal(5 * PluginLogBudget.BurstSeconds + 5, _written.Count);
        Assert.Equal(10 + 5, gate.EndCycle(new PluginLogBudget(5, 1 << 20)));
    }

    [Fact]
    public void Log_WithinBudget_NothingDroppedOrRewritten()
    {
        var gate = Gate();
        var logger = Factory(gate).CreateLogger("AnyCategory");

        for (var i = 0; i < 50; i++)
        {
            logger.LogWarning("symbol {Symbol} has {Count} bars", "AAA", i);
        }

        Assert.Equal(50, _written.Count);
        Assert.Equal((0L, 0L, 0L), (gate.EndCycle(new PluginLogBudget(200, 65_536)), gate.Dropped, gate.Rewritten));
    }

    private PluginLogGate Gate(PluginLogBudget? budget = null) =>
        new("evil_family", "evil", new Serilog.LoggerConfiguration().WriteTo.Sink(new ListSink(_written)).CreateLogger(), _clock, budget ?? new PluginLogBudget(200, 65_536));

    private static PluginLoggerFactory Factory(PluginLogGate gate) => new(gate);

    private List<JsonElement> Records()
    {
        var formatter = new JsonLinesFormatter();
        return _written.Select(e =>
        {
            using var text = new StringWriter();
            formatter.Format(e, text);
            return JsonDocument.Parse(text.ToString()).RootElement.Clone();
        }).ToList();
    }

    private sealed class ListSink(List<LogEvent> events) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => events.Add(logEvent);
    }
}
