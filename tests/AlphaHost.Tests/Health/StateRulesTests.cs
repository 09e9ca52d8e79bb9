using AlphaHost.Abstractions;
using AlphaHost.Host.Health;

namespace AlphaHost.Tests.Health;

public sealed class StateRulesTests
{
    private static readonly FamilyStatus Ok = new("momentum", true, false, FamilyState.Ok, false, 0);

    private static CycleReport Healthy => new()
    {
        Cycle = 5, FreshSymbols = 500, UniverseSize = 500, BenchmarkFresh = true, Families = [Ok, Ok with { Name = "reversal" }],
    };

    [Fact]
    public void Evaluate_AllHealthy_IsOk()
    {
        Assert.Equal((SystemState.Ok, 0), Result(Healthy));
    }

    [Fact]
    public void Evaluate_BeforeTheFirstPass_IsHaltedStarting()
    {
        var (state, reasons) = StateRules.Evaluate(new StateInputs(null, [Ok], null), 0.1);

        Assert.Equal((SystemState.Halted, "starting"), (state, string.Join(",", reasons)));
    }

    [Fact]
    public void Evaluate_CaughtUpAndWaiting_IsOkWithTheLastCyclesFamilies()
    {
        var (state, reasons) = StateRules.Evaluate(new StateInputs(Healthy, Healthy.Families, DataState.Waiting), 0.1);

        Assert.Equal((SystemState.Ok, 0), (state, reasons.Count));
    }

    [Fact]
    public void Evaluate_WaitingBeforeAnyDayWasProcessed_JudgesTheLoadedFamilies()
    {
        var degraded = new FamilyStatus("ml_alpha", true, false, FamilyState.Degraded, true, 0, "loading models");

        var (state, reasons) = StateRules.Evaluate(new StateInputs(null, [Ok, degraded], DataState.Waiting), 0.1);

        Assert.Equal((SystemState.Degraded, "family_degraded:ml_alpha"), (state, string.Join(",", reasons)));
    }

    [Fact]
    public void Evaluate_NextDayOverdue_IsHalted()
    {
        var (state, reasons) = StateRules.Evaluate(new StateInputs(Healthy, Healthy.Families, DataState.Overdue), 0.1);

        Assert.Equal((SystemState.Halted, "data_overdue"), (state, string.Join(",", reasons)));
    }

    [Fact]
    public void Evaluate_LoopStalled_IsHaltedWhateverTheLastCycleSaid()
    {
        var (state, reasons) = StateRules.Evaluate(new StateInputs(Healthy, Healthy.Families, DataState.Replaying, Stalled: true), 0.1);

        Assert.Equal((SystemState.Halted, "cycle_stalled"), (state, string.Join(",", reasons)));
    }

    [Fact]
    public void Evaluate_EveryEnabledFamilyFailed_IsHalted()
    {
        var failed = Healthy with { Families = [Ok with { Failed = true, State = FamilyState.Degraded }, new("regime", false, false, FamilyState.DisabledConfig, false, 0)] };

        var (state, reasons) = Evaluate(failed);

        Assert.Equal(SystemState.Halted, state);
        Assert.Equal(["all_families_failed"], reasons);
    }

    [Fact]
    public void Evaluate_OneFamilyFailed_IsDegradedNamingIt()
    {
        var report = Healthy with { Families = [Ok, new("reversal", true, true, FamilyState.Degraded, false, 0)] };

        var (state, reasons) = Evaluate(report);

        Assert.Equal(SystemState.Degraded, state);
        Assert.Equal(["family_degraded:reversal"], reasons);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Evaluate_NoEnabledFamily_IsDegradedBecauseNothingProducesSignals(bool anyLoaded)
    {
        var report = Healthy with { Families = anyLoaded ? [new("regime", false, false, FamilyState.DisabledConfig, false, 0)] : [] };

        var (state, reasons) = Evaluate(report);

        Assert.Equal(SystemState.Degraded, state);
        Assert.Equal(["no_enabled_family"], reasons);
    }

    [Fact]
    public void Evaluate_DisabledFamily_DoesNotDegrade()
    {
        var report = Healthy with { Families = [Ok, new("regime", false, false, FamilyState.DisabledConfig, false, 0)] };

        Assert.Equal(SystemState.Ok, Evaluate(report).State);
    }

    [Theory]
    [InlineData("bad_bars")]
    [InlineData("benchmark_missing")]
    [InlineData("stale_symbols")]
    [InlineData("config_rejected")]
    [InlineData("signal_write_failed")]
    public void Evaluate_DataOrHostProblem_IsDegraded(string reason)
    {
        var report = reason switch
        {
            "bad_bars" => Healthy with { RejectedBars = 1 },
            "benchmark_missing" => Healthy with { BenchmarkFresh = false },
            "stale_symbols" => Healthy with { StaleSymbols = 51, FreshSymbols = 449 },
            "config_rejected" => Healthy with { ConfigError = "golden.yaml:3:1: (syntax) bad" },
            _ => Healthy with { SignalWriteFailed = true },
        };

        var (state, reasons) = Evaluate(report);

        Assert.Equal(SystemState.Degraded, state);
        Assert.Equal([reason], reasons);
    }

    [Fact]
    public void Evaluate_HaltedWhileAConfigIsRejected_NamesTheRejectedConfigBesideTheHaltingReason()
    {
        var (state, reasons) = StateRules.Evaluate(new StateInputs(Healthy, Healthy.Families, DataState.Overdue, ConfigRejected: true), 0.1);

        Assert.Equal((SystemState.Halted, "data_overdue,config_rejected"), (state, string.Join(",", reasons)));
    }

    [Fact]
    public void DaemonStatus_ConfigRefusedThenAGoodOneAccepted_CarriesTheFilesErrorThenClearsIt()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T23:00:00Z"));
        var status = new HostStatus(clock);
        status.Publish(Healthy with { MarketDate = new DateOnly(2015, 6, 1) }, TimeSpan.FromMilliseconds(1));
        const string error = "/etc/alphahost/golden.yaml:12:3: (syntax) did not find expected key";

        status.Idle(DataState.Overdue, new DateOnly(2015, 6, 1), configError: error);
        var refused = DaemonStatus.Of(status, Host.Configuration.AlphaHostConfig.Default("golden.yaml"), clock);
        status.Idle(DataState.Overdue, new DateOnly(2015, 6, 1), configError: null);
        var accepted = DaemonStatus.Of(status, Host.Configuration.AlphaHostConfig.Default("golden.yaml"), clock);

        Assert.Equal((SystemState.Halted, error), (refused.State, refused.ConfigError));
        Assert.Contains("config_rejected", refused.Reasons);
        Assert.Null(accepted.ConfigError);
        Assert.DoesNotContain("config_rejected", accepted.Reasons);
    }

    [Theory]
    [InlineData(FamilyState.Ok, "ENABLED|OK")]
    [InlineData(FamilyState.Degraded, "ENABLED|DEGRADED")]
    [InlineData(FamilyState.Quarantined, "ENABLED|DEGRADED")]
    [InlineData(FamilyState.DisabledConfig, "DISABLED_CONFIG")]
    [InlineData(FamilyState.DisabledGovernance, "DISABLED_GOVERNANCE")]
    public void Model_MapsTheModelFamilysState(FamilyState familyState, string mlState)
    {
        FamilyStatus[] families = [Ok, new("ml", familyState != FamilyState.DisabledConfig, false, familyState, true, 574)];

        var (state, errors) = StateRules.Model(families);

        Assert.Equal((mlState, 574L), (StateText.Of(state), errors));
    }

    [Fact]
    public void Model_NoModelFamilyInstalled_IsAbsent()
    {
        Assert.Equal((ModelState.Absent, 0L), StateRules.Model(Healthy.Families));
    }

    /// <summary>A report evaluated as the last processed day, with the config-rejected flag of its own pass.</summary>
    private static (SystemState State, IReadOnlyList<string> Reasons) Evaluate(CycleReport report) =>
        StateRules.Evaluate(new StateInputs(report, report.Families, DataState.Replaying, ConfigRejected: report.ConfigRejected), 0.1);

    private static (SystemState, int) Result(CycleReport report)
    {
        var (state, reasons) = Evaluate(report);
        return (state, reasons.Count);
    }
}
