using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;
using AlphaHost.Host.Scoring;
using AlphaHost.Tests.Daemon;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Cli;

/// <summary><c>alphahost burn-in-report</c>: exit 2 for bad input, 1 for FAIL, 0 for PASS, one reason line per check.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class BurnInReportCommandTests : IDisposable
{
    private const string Version = "set-00aa11bb22cc";
    private const string Content = "sha256-00aa11bb22cc00aa11bb22cc00aa11bb22cc00aa11bb22cc00aa11bb22cc00aa";
    private readonly TempDir _dir = new();
    private readonly string _config;

    public BurnInReportCommandTests()
    {
        _config = _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: true, cycleInterval: "100ms", heartbeat: "300ms"));
        Directory.CreateDirectory(_dir.File("models/ml_alpha"));
    }

    [Fact]
    public async Task BurnInReport_BadInputThenFailThenPass_ExitsTwoOneZeroWithAReasonPerCheck()
    {
        var (unknown, stderr, _) = await RunAsync("--family", "nosuch");
        Assert.Equal(2, unknown);
        Assert.Contains("family 'nosuch'", stderr);

        var journal = LiveScoreJournal.PathOf(_dir.File("runtime/state"), "ml_alpha");
        var (missing, missingError, _) = await RunAsync("--family", "ml_alpha");
        Assert.Equal(2, missing);
        Assert.Contains($"{journal}: no live scores yet", missingError);

        WriteLiveScores();

        var (failed, _, failOutput) = await RunAsync("--family", "ml_alpha");
        Assert.Equal(1, failed);
        Assert.Contains($"PASS days: 25 day(s) scored while {Version} served", failOutput);
        Assert.Contains("PASS governance: ", failOutput);
        Assert.Contains("PASS model_errors: 0 model error(s)", failOutput);
        Assert.Contains($"FAIL expectation: no backtest of {Version} (sha256-00aa11bb22cc) in {_dir.File("models/ml_alpha/backtests.jsonl")}: run `alphahost backtest", failOutput);
        Assert.Contains("FAIL rank_ic: not tested", failOutput);

        // The candidate's backtest failed (net Sharpe -0.50): the burn-in must not let it through.
        var backtests = BacktestExpectation.Journal(_dir.File("models/ml_alpha"));
        backtests.Append(Backtest("FAIL", -0.5));
        var (failedBacktest, _, failedBacktestOutput) = await RunAsync("--family", "ml_alpha", "--days", "25");
        Assert.Equal(1, failedBacktest);
        Assert.Contains("FAIL expectation: backtest 2026-11-30 over 2017-01-03..2017-12-29 of the same models (sha256-00aa11bb22cc), verdict FAIL, net Sharpe -0.50", failedBacktestOutput);
        Assert.Contains("FAIL: 2 of 5 checks failed", failedBacktestOutput);
        Assert.DoesNotContain("may be promoted", failedBacktestOutput);

        backtests.Append(Backtest("PASS", 1.4));
        var (passed, _, passOutput) = await RunAsync("--family", "ml_alpha", "--days", "25");
        Assert.True(passed == 0, passOutput);
        Assert.Contains("PASS expectation: backtest 2026-12-01 over 2017-01-03..2017-12-29 of the same models (sha256-00aa11bb22cc), verdict PASS, net Sharpe 1.40", passOutput);
        Assert.Contains("PASS rank_ic: live mean ", passOutput);
        Assert.Contains("one-sided one-sample Student t-test", passOutput);
        Assert.Contains($"PASS: ml_alpha {Version} may be promoted", passOutput);

        var (tooFew, _, tooFewOutput) = await RunAsync("--family", "ml_alpha", "--days", "30");
        Assert.Equal(1, tooFew);
        Assert.Contains("FAIL days: 25 day(s) scored", tooFewOutput);
    }

    [Fact]
    public async Task ResetGovernance_WhenItHadNotTripped_RecordsNothing_AndTheBurnInHasNoGovernanceFail()
    {
        WriteLiveScores();
        BacktestExpectation.Journal(_dir.File("models/ml_alpha")).Append(Backtest("PASS", 1.4));

        var (reset, resetProcess) = await HostProcess.RunAsync(_dir.Path, ["ml", "reset-governance", "--reason", "checking the reset drill", "--config", _config]);
        var resetOutput = resetProcess.Stdout;
        resetProcess.Dispose();
        var (exit, _, output) = await RunAsync("--family", "ml_alpha", "--days", "25");

        Assert.Equal(0, reset);
        Assert.Contains("governance of ml_v1 was not disabled; nothing to reset, nothing recorded", resetOutput);
        Assert.False(File.Exists(_dir.File("runtime/state/ml_alpha/governance.json")));
        Assert.False(File.Exists(_dir.File("runtime/logs/operator.jsonl")));
        Assert.True(exit == 0, output);
        Assert.Contains("PASS governance: no governance trip in 25 day(s)", output);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>25 scored days of <see cref="Version"/> in early 2018, with a modest positive rank IC.</summary>
    private void WriteLiveScores()
    {
        var live = LiveScoreJournal.Open(_dir.File("runtime/state"), "ml_alpha");
        for (var day = 0; day < 25; day++)
        {
            live.Append(new LiveScoreDay
            {
                Date = new DateOnly(2018, 1, 2).AddDays(day + 1),
                SignalDate = new DateOnly(2018, 1, 2).AddDays(day),
                Family = "ml_alpha",
                ModelVersion = Version,
                ModelContent = Content,
                Symbols = 400,
                RankIc = 0.03 + (0.02 * Math.Sin(day)),
                HitRate = 0.52,
                At = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).AddDays(day),
            });
        }
    }

    /// <summary>A backtest of <see cref="Content"/> over 2017 by models trained until the end of 2016, with the verdict given.</summary>
    private BacktestExpectation Backtest(string verdict, double netSharpe) => new()
    {
        At = verdict == "PASS" ? new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero) : new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero),
        Family = "ml_alpha",
        ModelVersion = Version,
        ModelContent = Content,
        ModelDir = _dir.File("models/ml_alpha"),
        TrainingEnd = new DateOnly(2016, 12, 30),
        Window = new DatePeriod(new DateOnly(2017, 1, 3), new DateOnly(2017, 12, 29)),
        Days = 250,
        RankIcMean = 0.03,
        RankIcStd = 0.05,
        NetSharpe = netSharpe,
        Verdict = verdict,
        Report = _dir.File("reports/backtest"),
    };

    private async Task<(int Exit, string Stderr, string Stdout)> RunAsync(params string[] args)
    {
        var (exit, process) = await HostProcess.RunAsync(_dir.Path, ["burn-in-report", .. args, "--config", _config]);
        using var _ = process;
        return (exit, process.Stderr, process.Stdout);
    }
}
