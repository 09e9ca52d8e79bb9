using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Drift;
using AlphaHost.Plugins.MlAlpha.Training;
using AlphaHost.Plugins.MlAlpha.Universe;

namespace AlphaHost.Tests.Families.MlAlpha;

/// <summary>The drift calibration on the sample market: figures from the live checks, and an injection it cannot see in time.</summary>
public sealed class DriftCalibrationTests
{
    private static readonly TrainingOptions Options = TrainedModels.FastTraining with { Scope = TrainingOptions.UniverseScope };

    [Fact]
    public void Run_SampleMarket_ChoosesThresholdsOnTheCalibrationYearAndDetectsEveryInjectedShiftNamingIt()
    {
        var lines = new List<string>();

        var report = Calibrate(DriftOptions.Default, lines);

        Assert.Equal("2016-2016", report.Parameters["calibration_years"]);
        Assert.Equal("2017-2017", report.Parameters["reported_years"]);
        Assert.True(double.Parse(report.Parameters["false_alarm_rate"], System.Globalization.CultureInfo.InvariantCulture) <= 0.05, string.Join("\n", lines));
        Assert.True(report.Parameters["injections"] == report.Parameters["injections_detected"], string.Join("\n", lines));
        Assert.True(report.Parameters["injections"] == "16", string.Join("\n", lines));
        Assert.Contains(lines, l => l.Contains("predictions shuffled across symbols: DEGRADED after ", StringComparison.Ordinal) && l.Contains("prediction_churn: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("predictions held at their last values: DEGRADED after ", StringComparison.Ordinal) && l.Contains("prediction_frozen: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("missing on a fifth of the symbols: DEGRADED after ", StringComparison.Ordinal) && l.Contains("missing or non-finite on 2", StringComparison.Ordinal));
        Assert.Equal("1", report.Parameters["inverted_models"]);
        Assert.Contains(lines, l => l.Contains(" frozen: DEGRADED after ", StringComparison.Ordinal) && l.Contains("frozen: unchanged since the last cycle on 100% of symbols", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(" x10: DEGRADED after ", StringComparison.Ordinal) && l.Contains(" spread x", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("bars stale: DEGRADED after ", StringComparison.Ordinal) && l.Contains("stale rows: 6 symbols' rows unchanged", StringComparison.Ordinal));
        Assert.True(report.ConfigurationsTried > 1);
    }

    [Fact]
    public void Run_PersistenceLongerThanFiveCycles_ReportsEveryInjectionAsNotDetectedInTime()
    {
        var lines = new List<string>();

        var report = Calibrate(DriftOptions.Default with { Persist = 6, Of = 6 }, lines);

        Assert.Equal("0", report.Parameters["injections_detected"]);
        Assert.Contains(lines, l => l.Contains("NOT detected within 5 cycles", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_ConfigScope_JudgesTheReportedYearWithTheConfigsThresholdsChoosingNone()
    {
        var shipped = new List<string>();
        var absurd = new List<string>();

        var withShipped = JudgeWithConfig(DriftOptions.Default, shipped);
        var withAbsurd = JudgeWithConfig(DriftOptions.Default with { LevelRatio = 1.01 }, absurd);

        Assert.Equal(1, withShipped.ConfigurationsTried);
        Assert.Equal("config", withShipped.Parameters["thresholds_source"]);
        Assert.Equal("none", withShipped.Parameters["calibration_years"]);
        Assert.Equal("4", withShipped.Parameters["drift.level_ratio"]);
        Assert.Equal("1.01", withAbsurd.Parameters["drift.level_ratio"]);
        Assert.DoesNotContain(shipped, l => l.StartsWith("calibrated ", StringComparison.Ordinal) || l.StartsWith("2016:", StringComparison.Ordinal));
        Assert.Contains(shipped, l => l.StartsWith("thresholds: the config's, none chosen (tie_excess 0.5, unchanged_excess 0.7, stale_rows_excess 0.01, level_ratio 4, min_dispersion 0.3, missing_excess 0.05, autocorr_drop 0.5, ic_z 3.5, ic_window 250)", StringComparison.Ordinal));
        var shippedAlarms = int.Parse(withShipped.Parameters["false_alarm_days"], System.Globalization.CultureInfo.InvariantCulture);
        var absurdAlarms = int.Parse(withAbsurd.Parameters["false_alarm_days"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(absurdAlarms > shippedAlarms + 100, string.Join("\n", shipped.Concat(absurd)));
        Assert.Contains(absurd, l => l.Contains("(interquartile range; limit x1.01)", StringComparison.Ordinal));
    }

    private static EvaluationReport JudgeWithConfig(DriftOptions drift, List<string> lines)
    {
        var history = TrainedModels.History(800);
        var request = new EvaluationRequest(history, [2017], [DriftCalibration.ConfigScope], 0);
        var calibrationYears = DriftCalibration.CalibrationYears(DriftCalibration.ConfigScope)!;
        return new DriftCalibration(TrainedModels.Contract, Options, drift).Run(request, calibrationYears, new Lines(lines), CancellationToken.None);
    }

    private static EvaluationReport Calibrate(DriftOptions drift, List<string> lines)
    {
        var history = TrainedModels.History(800);
        var request = new EvaluationRequest(history, [2016, 2017], ["drift:2016-2016"], 0);
        return new DriftCalibration(TrainedModels.Contract, Options, drift).Run(request, [2016], new Lines(lines), CancellationToken.None);
    }

    private sealed class Lines(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
