using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary><c>alphahost drift-calibrate</c> on the built-in sample market: both figures and every injected shift, named.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class DriftCalibrateCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task DriftCalibrate_SampleMarket_PrintsTheFalseAlarmRateAndTheInjectedShiftsDetectedWithTheirReasons()
    {
        var config = _dir.Write("golden.yaml", TestConfigs.GoldenBesideRuntime().Replace("      scope: universe ", "      trees: 20\n      scope: universe "));

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "drift-calibrate", "--calibrate", "2016-2016", "--first-year", "2017", "--last-year", "2017", "--config", config);
        using var _ = host;

        Assert.True(exit == 0, host.Stdout + host.Stderr);
        Assert.Matches(@"FIGURE false-alarm rate 2017-2017: \d+\.\d% of days DEGRADED by drift \(\d+ of 2\d\d; limit 5%\); thresholds from 2016-2016, \d+ configurations tried", host.Stdout);
        Assert.Contains("FIGURE injected shifts detected within 5 cycles: 16 of 16", host.Stdout);
        Assert.Matches(@"FIGURE inverted models \(one a year, from its first day\) seen by the live IC check within their year: [01] of 1, median (\d+|none) cycles", host.Stdout);
        Assert.Matches(@"frozen: DEGRADED after \d cycle\(s\): drift: (\w+) frozen", host.Stdout);
        Assert.Matches(@"stale: DEGRADED after \d cycle\(s\): drift: stale rows: 50 symbols' rows unchanged", host.Stdout);
    }

    [Fact]
    public async Task DriftCalibrate_ThresholdsConfig_JudgesWithTheConfigsThresholdsAndChoosesNone()
    {
        var config = _dir.Write("golden.yaml", TestConfigs.GoldenBesideRuntime()
            .Replace("      scope: universe ", "      trees: 20\n      scope: universe ")
            .Replace("level_ratio: 4 ", "level_ratio: 1.01 "));

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "drift-calibrate", "--thresholds", "config", "--first-year", "2017", "--last-year", "2017", "--config", config);
        using var _ = host;

        Assert.True(exit == 1, host.Stdout + host.Stderr);
        Assert.Contains("drift-calibrate ml_alpha: thresholds from the config, none chosen, reported 2017-2017", host.Stdout);
        Assert.Matches(@"FIGURE false-alarm rate 2017-2017: (100|\d\d|[6-9])\.\d% of days DEGRADED by drift \(\d+ of 2\d\d; limit 5%\); thresholds from the config, none chosen, 1 configuration tried", host.Stdout);
        Assert.Contains("thresholds (the config's, none chosen): drift.tie_excess=0.5 drift.unchanged_excess=0.7 drift.stale_rows_excess=0.01 drift.level_ratio=1.01 ", host.Stdout);
        Assert.DoesNotContain("calibrated drift.", host.Stdout);
    }

    [Fact]
    public async Task DriftCalibrate_CalibrationYearsNotBeforeTheReportedOnes_ExitsTwoSayingSo()
    {
        var config = _dir.Write("golden.yaml", TestConfigs.GoldenBesideRuntime());

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "drift-calibrate", "--calibrate", "2016-2017", "--first-year", "2017", "--config", config);
        using var _ = host;

        Assert.Equal(2, exit);
        Assert.Contains("--calibrate 2016-2017 must end before --first-year 2017", host.Stderr);
        Assert.DoesNotContain("   at ", host.Stderr);
    }

    public void Dispose() => _dir.Dispose();
}
