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

        var live = LiveScoreJournal.Open(_dir.File("runtime/state"), "ml_alpha");
        for (var day = 0; day < 25; day++)
        {
            live.Append(new LiveScoreDay
            {
                Date = new DateOnly(2018, 1, 2).AddDays(day + 1),
                SignalDate = new DateOnly(2018, 1, 2).AddDays(day),
                Family = "ml_alpha",
                ModelVersion = Version,
                Symbols = 400,
                RankIc = 0.03 + (0.02 * Math.Sin(day)),
                HitRate = 0.52,
                At = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).AddDays(day),
            });
        }

        var (failed, _, failOutput) = await RunAsync("--family", "ml_alpha");
        Assert.Equal(1, failed);
        Assert.Contains($"PASS days: 25 day(s) scored while {Version} served", failOutput);
        Assert.Contains("PASS governance: ", failOutput);
        Assert.Contains("PASS model_errors: 0 model error(s)", failOutput);
        Assert.Contains($"FAIL expectation: no backtest of {Version} in {_dir.File("models/ml_alpha/backtests.jsonl")}: run `alphahost backtest", failOutput);
        Assert.Contains("FAIL rank_ic: not tested", failOutput);

        BacktestExpectation.Journal(_dir.File("models/ml_alpha")).Append(new BacktestExpectation
        {
            At = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero),
            Family = "ml_alpha",
            ModelVersion = Version,
            ModelDir = _dir.File("models/ml_alpha"),
            Window = new DatePeriod(new DateOnly(2017, 1, 3), new DateOnly(2017, 12, 29)),
            Days = 250,
            RankIcMean = 0.03,
            RankIcStd = 0.05,
            NetSharpe = 1.4,
            Verdict = "PASS",
            Report = _dir.File("reports/backtest"),
        });
        var (passed, _, passOutput) = await RunAsync("--family", "ml_alpha", "--days", "25");
        Assert.True(passed == 0, passOutput);
        Assert.Contains("PASS rank_ic: live mean ", passOutput);
        Assert.Contains("one-sided one-sample Student t-test", passOutput);
        Assert.Contains($"PASS: ml_alpha {Version} may be promoted", passOutput);

        var (tooFew, _, tooFewOutput) = await RunAsync("--family", "ml_alpha", "--days", "30");
        Assert.Equal(1, tooFew);
        Assert.Contains("FAIL days: 25 day(s) scored", tooFewOutput);
    }

    public void Dispose() => _dir.Dispose();

    private async Task<(int Exit, string Stderr, string Stdout)> RunAsync(params string[] args)
    {
        var (exit, process) = await HostProcess.RunAsync(_dir.Path, ["burn-in-report", .. args, "--config", _config]);
        using var _ = process;
        return (exit, process.Stderr, process.Stdout);
    }
}
