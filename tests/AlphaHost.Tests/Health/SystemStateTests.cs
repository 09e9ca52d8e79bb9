using AlphaHost.Host.Health;

namespace AlphaHost.Tests.Health;

public sealed class SystemStateTests
{
    private static readonly FamilyStatus Ok = new("momentum", true, false, "OK", false, 0);

    private static CycleReport Healthy => new()
    {
        Cycle = 5, MarketData = true, FreshSymbols = 500, UniverseSize = 500, BenchmarkFresh = true, Families = [Ok, Ok with { Name = "reversal" }],
    };

    [Fact]
    public void Evaluate_AllHealthy_IsOk()
    {
        Assert.Equal(("OK", 0), Result(Healthy));
    }

    [Fact]
    public void Evaluate_NoMarketData_IsHalted()
    {
        var (state, reasons) = SystemState.Evaluate(Healthy with { MarketData = false }, 0.1);

        Assert.Equal("HALTED", state);
        Assert.Contains("no_market_data", reasons);
    }

    [Fact]
    public void Evaluate_EveryEnabledFamilyFailed_IsHalted()
    {
        var failed = Healthy with { Families = [Ok with { Failed = true, State = "DEGRADED" }, new("regime", false, false, "DISABLED_CONFIG", false, 0)] };

        var (state, reasons) = SystemState.Evaluate(failed, 0.1);

        Assert.Equal("HALTED", state);
        Assert.Equal(["all_families_failed"], reasons);
    }

    [Fact]
    public void Evaluate_OneFamilyFailed_IsDegradedNamingIt()
    {
        var report = Healthy with { Families = [Ok, new("reversal", true, true, "DEGRADED", false, 0)] };

        var (state, reasons) = SystemState.Evaluate(report, 0.1);

        Assert.Equal("DEGRADED", state);
        Assert.Equal(["family_degraded:reversal"], reasons);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Evaluate_NoEnabledFamily_IsDegradedBecauseNothingProducesSignals(bool anyLoaded)
    {
        var report = Healthy with { Families = anyLoaded ? [new("regime", false, false, "DISABLED_CONFIG", false, 0)] : [] };

        var (state, reasons) = SystemState.Evaluate(report, 0.1);

        Assert.Equal("DEGRADED", state);
        Assert.Equal(["no_enabled_family"], reasons);
    }

    [Fact]
    public void Evaluate_DisabledFamily_DoesNotDegrade()
    {
        var report = Healthy with { Families = [Ok, new("regime", false, false, "DISABLED_CONFIG", false, 0)] };

        Assert.Equal("OK", SystemState.Evaluate(report, 0.1).State);
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
            "config_rejected" => Healthy with { ConfigRejected = true },
            _ => Healthy with { SignalWriteFailed = true },
        };

        var (state, reasons) = SystemState.Evaluate(report, 0.1);

        Assert.Equal("DEGRADED", state);
        Assert.Equal([reason], reasons);
    }

    [Theory]
    [InlineData("OK", "ENABLED|OK")]
    [InlineData("DEGRADED", "ENABLED|DEGRADED")]
    [InlineData("QUARANTINED", "ENABLED|DEGRADED")]
    [InlineData("DISABLED_CONFIG", "DISABLED_CONFIG")]
    [InlineData("DISABLED_GOVERNANCE", "DISABLED_GOVERNANCE")]
    public void Model_MapsTheModelFamilysState(string familyState, string mlState)
    {
        var report = Healthy with { Families = [Ok, new("ml", familyState != "DISABLED_CONFIG", false, familyState, true, 574)] };

        Assert.Equal((mlState, 574L), SystemState.Model(report));
    }

    [Fact]
    public void Model_NoModelFamilyInstalled_IsAbsent()
    {
        Assert.Equal(("ABSENT", 0L), SystemState.Model(Healthy));
    }

    private static (string, int) Result(CycleReport report)
    {
        var (state, reasons) = SystemState.Evaluate(report, 0.1);
        return (state, reasons.Count);
    }
}
