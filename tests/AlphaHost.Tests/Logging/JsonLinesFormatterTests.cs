using System.Text.Json;
using AlphaHost.Host.Logging;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;

namespace AlphaHost.Tests.Logging;

public sealed class JsonLinesFormatterTests
{
    [Fact]
    public void Format_GovernanceEvent_HasTheSpecFieldsAtTopLevel()
    {
        var line = Capture(logger => logger.LogError(
            "Model {model} disabled: {status} {reason} for {symbol} ({expected_count} expected, {provided_count} provided) {@details} {missing_features}",
            "ml_v1", "DISABLED_BY_GOVERNANCE", "FEATURE_MISMATCH", "AAPL", 28, 4,
            new { expected = 28, got = 4, missing = new[] { "beta_60", "skew_60" } }, new[] { "beta_60", "skew_60" }), component: "ML_GOVERNANCE");

        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", root.GetProperty("ts").GetString());
        Assert.Equal("ERROR", root.GetProperty("level").GetString());
        Assert.Equal("ML_GOVERNANCE", root.GetProperty("component").GetString());
        Assert.StartsWith("Model ml_v1 disabled: DISABLED_BY_GOVERNANCE FEATURE_MISMATCH for AAPL", root.GetProperty("message").GetString());
        Assert.Equal("DISABLED_BY_GOVERNANCE", root.GetProperty("status").GetString());
        Assert.Equal(28, root.GetProperty("expected_count").GetInt32());
        Assert.Equal(4, root.GetProperty("details").GetProperty("got").GetInt32());
        Assert.Equal(["beta_60", "skew_60"], root.GetProperty("details").GetProperty("missing").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, root.GetProperty("missing_features").GetArrayLength());
    }

    [Fact]
    public void Format_FamilyLogger_UsesTheFamilyNameAsComponent()
    {
        var line = Capture(logger => logger.LogWarning("Only {Count} symbols", 3), category: LoggingCategories.FamilyPrefix + "momentum");

        using var json = JsonDocument.Parse(line);
        Assert.Equal("momentum", json.RootElement.GetProperty("component").GetString());
        Assert.Equal("WARNING", json.RootElement.GetProperty("level").GetString());
        Assert.Equal("Only 3 symbols", json.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public void Format_HostClass_UsesItsShortNameAsComponent()
    {
        var line = Capture(logger => logger.LogInformation("Started at {Date}", new DateOnly(2020, 1, 2)), category: "AlphaHost.Host.Cycle.CycleService");

        using var json = JsonDocument.Parse(line);
        Assert.Equal("CycleService", json.RootElement.GetProperty("component").GetString());
        Assert.Equal("Started at 2020-01-02", json.RootElement.GetProperty("message").GetString());
        Assert.Equal("2020-01-02", json.RootElement.GetProperty("Date").GetString());
    }

    private static string Capture(Action<Microsoft.Extensions.Logging.ILogger> log, string category = "test", string? component = null)
    {
        using var output = new StringWriter();
        using (var serilog = new Serilog.LoggerConfiguration()
            .Enrich.FromLogContext()
            .Enrich.With<ComponentEnricher>()
            .WriteTo.Sink(new TextSink(output))
            .CreateLogger())
        {
            using var factory = new SerilogLoggerFactory(serilog);
            var logger = factory.CreateLogger(category);
            using (component is null ? null : logger.BeginScope(new Dictionary<string, object> { ["component"] = component }))
            {
                log(logger);
            }
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return Assert.Single(lines);
    }

    private sealed class TextSink(TextWriter output) : Serilog.Core.ILogEventSink
    {
        private readonly JsonLinesFormatter _formatter = new();

        public void Emit(Serilog.Events.LogEvent logEvent) => _formatter.Format(logEvent, output);
    }
}
