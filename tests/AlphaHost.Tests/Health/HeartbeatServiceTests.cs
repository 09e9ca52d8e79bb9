using System.Text.RegularExpressions;
using AlphaHost.Abstractions;
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
        @"^\[HEARTBEAT\] uptime=\d+s \| symbols=\d+ \| cycles=\d+ \| state=(OK|DEGRADED|HALTED) \| ml_state=(ENABLED\|OK|ENABLED\|DEGRADED|DISABLED_CONFIG|DISABLED_GOVERNANCE|ABSENT) \| model_errors=\d+( \| [a-z0-9_]+=(?:(?! \| ).)+)*$");

    [Fact]
    public void Beat_WritesTheSpecLineToTheLog()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-23T19:00:00Z"));
        var status = new HostStatus(clock);
        clock.Advance(TimeSpan.FromSeconds(159));
        status.Publish(new CycleReport
        {
            Cycle = 2, FreshSymbols = 225, UniverseSize = 225, BenchmarkFresh = true, MarketDate = new DateOnly(2016, 3, 1),
            Families = [new("ml_alpha", true, false, FamilyState.DisabledGovernance, true, 574, "disabled by governance since 2026-01-23T18:00:00Z: feature_mismatch; reset required"), new("momentum", true, false, FamilyState.Ok, false, 0)],
        }, TimeSpan.FromMilliseconds(1.5));
        using var log = new StringWriter();
        using var serilog = new Serilog.LoggerConfiguration().Enrich.With<ComponentEnricher>().WriteTo.Sink(new ThrottledConsoleSink(log, clock, TimeSpan.FromSeconds(5))).CreateLogger();
        var logger = new Microsoft.Extensions.Logging.Logger<HeartbeatService>(new SerilogLoggerFactory(serilog));
        var service = new HeartbeatService(status, Store(), clock, logger);

        service.Beat(final: false);

        var message = log.ToString().Trim();
        var line = message[message.IndexOf("[HEARTBEAT]", StringComparison.Ordinal)..];
        Assert.StartsWith("[HEARTBEAT] uptime=159s | symbols=225 | cycles=2 | state=DEGRADED | ml_state=DISABLED_GOVERNANCE | model_errors=574 | ", line);
        Assert.Matches(SpecLine, line);
        Assert.Contains("| families=ml_alpha:DISABLED_GOVERNANCE,momentum:OK |", line);
        Assert.Contains("| reasons=family_disabled_governance:ml_alpha | data=REPLAYING | models=0 | ml_alpha=DISABLED_GOVERNANCE: disabled by governance since 2026-01-23T18:00:00Z: feature_mismatch; reset required", line);
    }

    [Fact]
    public void Beat_ModelFamilyWithAShadowInstance_MlStatesNamesEveryInstanceAndMlStateStaysTheOwnOne()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-23T19:00:00Z"));
        var status = new HostStatus(clock);
        status.Publish(new CycleReport
        {
            Cycle = 2, FreshSymbols = 3, UniverseSize = 3, BenchmarkFresh = true, MarketDate = new DateOnly(2016, 3, 1),
            Families =
            [
                new("ml_alpha", true, false, FamilyState.Ok, true, 0, null, 3),
                new("ml_candidate", true, false, FamilyState.Degraded, true, 2, "drift: ret_5d psi=0.4", 3) { Shadow = true },
                new("momentum", true, false, FamilyState.Ok, false, 0),
            ],
        }, TimeSpan.FromMilliseconds(1));
        var events = new List<Serilog.Events.LogEvent>();
        using var serilog = new Serilog.LoggerConfiguration().WriteTo.Sink(new CollectingSink(events)).CreateLogger();
        var service = new HeartbeatService(status, Store(), clock, new Microsoft.Extensions.Logging.Logger<HeartbeatService>(new SerilogLoggerFactory(serilog)));

        service.Beat(final: false);

        var beat = Assert.Single(events);
        var line = beat.RenderMessage(System.Globalization.CultureInfo.InvariantCulture).Replace("\"", "");
        Assert.Matches(SpecLine, line);
        Assert.Contains("| state=DEGRADED | ml_state=ENABLED|OK | model_errors=2 |", line);
        Assert.Contains("| ml_states=ml_alpha:ENABLED|OK,ml_candidate:ENABLED|DEGRADED(shadow) |", line);
        Assert.Equal("\"ml_alpha:ENABLED|OK,ml_candidate:ENABLED|DEGRADED(shadow)\"", beat.Properties["MlStates"].ToString());
    }

    [Fact]
    public void Beat_CarriesEachFamilysMeanContributionAsAPropertyOutsideTheSpecLine()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-23T19:00:00Z"));
        var status = new HostStatus(clock);
        status.Publish(new CycleReport
        {
            Cycle = 1, FreshSymbols = 2, UniverseSize = 2, BenchmarkFresh = true, MarketDate = new DateOnly(2016, 3, 1),
            Families = [new("momentum", true, false, FamilyState.Ok, false, 0)],
            Contributions = [new("momentum", 0.0125), new("reversal", 0.5)],
        }, TimeSpan.FromMilliseconds(1));
        var events = new List<Serilog.Events.LogEvent>();
        using var serilog = new Serilog.LoggerConfiguration().Enrich.FromLogContext().WriteTo.Sink(new CollectingSink(events)).CreateLogger();
        var service = new HeartbeatService(status, Store(), clock,
            new Microsoft.Extensions.Logging.Logger<HeartbeatService>(new SerilogLoggerFactory(serilog)));

        service.Beat(final: false);

        var beat = Assert.Single(events);
        Assert.Equal("\"momentum:0.0125,reversal:0.5\"", beat.Properties["Contributions"].ToString());
        Assert.DoesNotContain("Contributions", beat.MessageTemplate.Text);
        Assert.DoesNotContain("0.0125", beat.RenderMessage());
    }

    [Fact]
    public void Beat_SlowFirstCyclesThenFastOnes_CarriesTheP99OfTheRecentCyclesNotPinnedByTheFirst()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-23T19:00:00Z"));
        var status = new HostStatus(clock);
        var day = Day(new DateOnly(2016, 3, 1));
        // The warm-up: the first cycles are slow, more than 1% of the 1,024-cycle window.
        for (var i = 0; i < 20; i++)
        {
            status.Publish(day, TimeSpan.FromMilliseconds(605));
        }

        for (var i = 0; i < HeartbeatService.RecentCycles; i++)
        {
            status.Publish(day, TimeSpan.FromMilliseconds(5));
        }

        var events = new List<Serilog.Events.LogEvent>();
        using var serilog = new Serilog.LoggerConfiguration().Enrich.FromLogContext().WriteTo.Sink(new CollectingSink(events)).CreateLogger();
        var service = new HeartbeatService(status, Store(), clock,
            new Microsoft.Extensions.Logging.Logger<HeartbeatService>(new SerilogLoggerFactory(serilog)));

        service.Beat(final: false);

        var beat = Assert.Single(events);
        Assert.Equal("605", beat.Properties["CycleP99Ms"].ToString());
        Assert.Equal("5", beat.Properties["CycleP99RecentMs"].ToString());
        Assert.Equal("5", beat.Properties["CycleP50RecentMs"].ToString());
    }

    private sealed class CollectingSink(List<Serilog.Events.LogEvent> events) : Serilog.Core.ILogEventSink
    {
        public void Emit(Serilog.Events.LogEvent logEvent) => events.Add(logEvent);
    }

    [Fact]
    public void Compose_BeforeTheFirstCycle_IsHaltedBecauseNoSignalHasBeenWrittenYet()
    {
        var clock = new FakeTimeProvider();
        var line = HeartbeatLine.Of(DaemonStatus.Of(new HostStatus(clock), Store().Current, clock));

        Assert.Equal((SystemState.Halted, "starting", ModelState.Absent, 0L, 0), (line.State, line.Reasons, line.MlState, line.Cycles, line.Symbols));
    }

    [Fact]
    public void Compose_OperatorOverrideHeld_NamesItOnTheLineUntilItIsCleared()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero));
        var held = Store().Current with { Override = new Host.Configuration.OperatorOverride(["ml_alpha"], "bad fills | desk call", "ops", clock.GetUtcNow()) };

        var line = HeartbeatLine.Of(DaemonStatus.Of(new HostStatus(clock), held, clock));
        var cleared = HeartbeatLine.Of(DaemonStatus.Of(new HostStatus(clock), held with { Override = null }, clock));

        Assert.Contains(" | override=ml_alpha held disabled by ops at 2026-12-07T03:00:00Z: bad fills / desk call", line.Details);
        Assert.DoesNotContain("override=", cleared.Details);
    }

    [Fact]
    public void Compose_PluginsLoadedDuringWarmUp_ShowsTheFamiliesAndTheirStates()
    {
        var clock = new FakeTimeProvider();
        var status = new HostStatus(clock)
        {
            LoadedFamilies = [new("ml_alpha", true, false, FamilyState.DisabledGovernance, true, 3), new("momentum", true, false, FamilyState.Ok, false, 0)],
        };

        var line = HeartbeatLine.Of(DaemonStatus.Of(status, Store().Current, clock));

        Assert.Equal((SystemState.Halted, "ml_alpha:DISABLED_GOVERNANCE,momentum:OK", ModelState.DisabledGovernance, 3L), (line.State, line.Families, line.MlState, line.ModelErrors));
    }

    [Fact]
    public void Compose_LogFileCannotBeWritten_IsDegradedAndNamesTheFile()
    {
        var clock = new FakeTimeProvider();
        var health = new LogFileHealth();
        var status = new HostStatus(clock, health);
        status.Publish(new CycleReport
        {
            Cycle = 1, FreshSymbols = 3, UniverseSize = 3, BenchmarkFresh = true,
            Families = [new("momentum", true, false, FamilyState.Ok, false, 0)],
        }, TimeSpan.FromMilliseconds(1));
        health.Report("live.jsonl", "Access to the path is denied");

        var faulted = HeartbeatLine.Of(DaemonStatus.Of(status, Store().Current, clock));
        health.Report("live.jsonl", null);
        var recovered = HeartbeatLine.Of(DaemonStatus.Of(status, Store().Current, clock));

        Assert.Equal((SystemState.Degraded, "FAULT(live.jsonl: Access to the path is denied)", "log_fault:live.jsonl"), (faulted.State, faulted.Logs, faulted.Reasons));
        Assert.Equal((SystemState.Ok, "ok", "none"), (recovered.State, recovered.Logs, recovered.Reasons));
    }

    [Fact]
    public void Compose_CaughtUpAndWaiting_IsOkAndKeepsEveryFamilysLastStateAndModels()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T12:00:00Z"));
        var status = new HostStatus(clock);
        status.Publish(Day(new DateOnly(2026, 11, 27), new FamilyStatus("ml_alpha", true, false, FamilyState.Ok, true, 0, "models=5 predicted=5", 5)), TimeSpan.FromMilliseconds(1));
        clock.Advance(TimeSpan.FromSeconds(1));
        status.Idle(DataState.Waiting, new DateOnly(2026, 11, 27), configError: null);

        var line = HeartbeatLine.Of(DaemonStatus.Of(status, Store().Current, clock));

        Assert.Equal((SystemState.Ok, ModelState.EnabledOk, DataState.Waiting, 5, 1L, "none"), (line.State, line.MlState, line.Data, line.Models, line.Cycles, line.Reasons));
        Assert.Equal("ml_alpha:OK,momentum:OK", line.Families);
        Assert.Equal("", line.Details);
        Assert.Equal("WAITING next=2026-11-30 due=2026-11-30T21:00:00Z overdue_at=2026-12-02T03:00:00Z", HeartbeatLine.DataText(line));
    }

    [Fact]
    public void Compose_NextDayOverdue_IsHaltedAndSaysSinceWhen()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-02T07:00:00Z"));
        var status = new HostStatus(clock);
        status.Publish(Day(new DateOnly(2026, 11, 27)), TimeSpan.FromMilliseconds(1));
        status.Idle(DataState.Overdue, new DateOnly(2026, 11, 27), configError: null);

        var line = HeartbeatLine.Of(DaemonStatus.Of(status, Store().Current, clock));

        Assert.Equal((SystemState.Halted, "data_overdue", DataState.Overdue), (line.State, line.Reasons, line.Data));
        Assert.Equal(" | overdue_since=2026-12-02T03:00:00Z", line.Details);
        Assert.Equal("OVERDUE next=2026-11-30 due=2026-11-30T21:00:00Z overdue_at=2026-12-02T03:00:00Z", HeartbeatLine.DataText(line));
    }

    [Fact]
    public void Compose_NoPassCompletedForLongerThanTheStallLimit_IsHaltedCycleStalledSinceTheLastPass()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-30T12:00:00Z"));
        var status = new HostStatus(clock);
        status.Publish(Day(new DateOnly(2026, 11, 27)), TimeSpan.FromMilliseconds(1));
        var config = Store().Current;
        clock.Advance(StallRule.Limit(config));
        var atTheLimit = HeartbeatLine.Of(DaemonStatus.Of(status, config, clock));

        clock.Advance(TimeSpan.FromSeconds(1));
        var stalled = HeartbeatLine.Of(DaemonStatus.Of(status, config, clock));

        Assert.Equal((SystemState.Ok, "none"), (atTheLimit.State, atTheLimit.Reasons));
        Assert.Equal((SystemState.Halted, "cycle_stalled", " | stalled_since=2026-11-30T12:00:00Z"), (stalled.State, stalled.Reasons, stalled.Details));
    }

    [Fact]
    public void Compose_FamilyNotOk_AppendsItsDetailOnOneLineWithoutTheFieldSeparator()
    {
        var clock = new FakeTimeProvider();
        var status = new HostStatus(clock);
        status.Publish(Day(new DateOnly(2026, 11, 27),
            new FamilyStatus("ml_alpha", true, false, FamilyState.Degraded, true, 2, "models=5 predicted=3; drift: ret_5d psi=0.31 | rsi_14\npsi=0.27", 5),
            new FamilyStatus("chaos", true, true, FamilyState.Degraded, false, 0, "timed out after 500ms"),
            new FamilyStatus("regime", false, false, FamilyState.DisabledConfig, false, 0, null)), TimeSpan.FromMilliseconds(1));

        var line = HeartbeatLine.Of(DaemonStatus.Of(status, Store().Current, clock));

        Assert.Equal((ModelState.EnabledDegraded, 5), (line.MlState, line.Models));
        Assert.Equal(" | ml_alpha=DEGRADED: models=5 predicted=3; drift: ret_5d psi=0.31 / rsi_14 psi=0.27 | chaos=DEGRADED: timed out after 500ms", line.Details);
    }

    private static CycleReport Day(DateOnly date, params FamilyStatus[] families) => new()
    {
        Cycle = 1, MarketDate = date, FreshSymbols = 3, UniverseSize = 3, BenchmarkFresh = true,
        Families = [.. families, new("momentum", true, false, FamilyState.Ok, false, 0)],
    };

    private static ConfigStore Store() => new(AlphaHostConfig.Default("test.yaml"), NullLogger<ConfigStore>.Instance);
}
