using System.Text.RegularExpressions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Health;
using AlphaHost.Host.Logging;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Serilog.Extensions.Logging;

namespace AlphaHost.Tests.Health;

public sealed class HeartbeatServiceTests
{
    /// <summary>The line the runbook's greps and operators' dashboards rely on.</summary>
    private static readonly Regex SpecLine = new(
        @"^\[HEARTBEAT\] uptime=\d+s \| symbols=\d+ \| cycles=\d+ \| state=(OK|DEGRADED|HALTED) \| ml_state=(ENABLED\|OK|ENABLED\|DEGRADED|DISABLED_CONFIG|DISABLED_GOVERNANCE|ABSENT) \| model_errors=\d+( \| [a-z0-9_]+=[^|]+)*$");

    [Fact]
    public void Beat_WritesTheSpecLineToTheLog()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-23T19:00:00Z"));
        var status = new HostStatus(clock);
        status.Publish(new CycleReport
        {
            Cycle = 2, MarketData = true, FreshSymbols = 225, UniverseSize = 225, BenchmarkFresh = true, MarketDate = new DateOnly(2016, 3, 1),
            Families = [new("ml_alpha", true, false, "DISABLED_GOVERNANCE", true, 574), new("momentum", true, false, "OK", false, 0)],
        }, TimeSpan.FromMilliseconds(1.5));
        clock.Advance(TimeSpan.FromSeconds(159));
        using var log = new StringWriter();
        using var serilog = new Serilog.LoggerConfiguration().Enrich.With<ComponentEnricher>().WriteTo.Sink(new ThrottledConsoleSink(log, clock, TimeSpan.FromSeconds(5))).CreateLogger();
        var logger = new Microsoft.Extensions.Logging.Logger<HeartbeatService>(new SerilogLoggerFactory(serilog));
        var service = new HeartbeatService(status, Store(), clock, new LogFileHealth(), logger);

        service.Beat(final: false);

        var message = log.ToString().Trim();
        var line = message[message.IndexOf("[HEARTBEAT]", StringComparison.Ordinal)..];
        Assert.StartsWith("[HEARTBEAT] uptime=159s | symbols=225 | cycles=2 | state=DEGRADED | ml_state=DISABLED_GOVERNANCE | model_errors=574 | ", line);
        Assert.Matches(SpecLine, line);
        Assert.Contains("| families=ml_alpha:DISABLED_GOVERNANCE,momentum:OK |", line);
        Assert.Contains("| reasons=family_disabled_governance:ml_alpha", line);
    }

    [Fact]
    public void Compose_BeforeTheFirstCycle_IsHaltedBecauseNoSignalHasBeenWrittenYet()
    {
        var clock = new FakeTimeProvider();
        var line = HeartbeatService.Compose(new HostStatus(clock), Store().Current, clock);

        Assert.Equal(("HALTED", "starting", "ABSENT", 0L, 0), (line.State, line.Reasons, line.MlState, line.Cycles, line.Symbols));
    }

    [Fact]
    public void Compose_PluginsLoadedDuringWarmUp_ShowsTheFamiliesAndTheirStates()
    {
        var clock = new FakeTimeProvider();
        var status = new HostStatus(clock)
        {
            LoadedFamilies = [new("ml_alpha", true, false, "DISABLED_GOVERNANCE", true, 3), new("momentum", true, false, "OK", false, 0)],
        };

        var line = HeartbeatService.Compose(status, Store().Current, clock);

        Assert.Equal(("HALTED", "ml_alpha:DISABLED_GOVERNANCE,momentum:OK", "DISABLED_GOVERNANCE", 3L), (line.State, line.Families, line.MlState, line.ModelErrors));
    }

    [Fact]
    public void Compose_LogFileCannotBeWritten_IsDegradedAndNamesTheFile()
    {
        var clock = new FakeTimeProvider();
        var status = new HostStatus(clock);
        status.Publish(new CycleReport
        {
            Cycle = 1, MarketData = true, FreshSymbols = 3, UniverseSize = 3, BenchmarkFresh = true,
            Families = [new("momentum", true, false, "OK", false, 0)],
        }, TimeSpan.FromMilliseconds(1));
        var health = new LogFileHealth();
        health.Report("live.jsonl", "Access to the path is denied");

        var faulted = HeartbeatService.Compose(status, Store().Current, clock, health.Faults);
        health.Report("live.jsonl", null);
        var recovered = HeartbeatService.Compose(status, Store().Current, clock, health.Faults);

        Assert.Equal(("DEGRADED", "FAULT(live.jsonl: Access to the path is denied)", "log_fault:live.jsonl"), (faulted.State, faulted.Logs, faulted.Reasons));
        Assert.Equal(("OK", "ok", "none"), (recovered.State, recovered.Logs, recovered.Reasons));
    }

    private static ConfigStore Store() => new(AlphaHostConfig.Default("test.yaml"), NullLogger<ConfigStore>.Instance);
}
