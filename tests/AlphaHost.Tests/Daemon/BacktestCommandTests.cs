using System.Text.Json;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary><c>alphahost backtest</c> on the sample market: out-of-sample replay, report files, verdict and exit code in agreement.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class BacktestCommandTests : IClassFixture<BacktestCommandTests.TrainedSample>, IDisposable
{
    private readonly TempDir _dir = new();
    private readonly TrainedSample _trained;

    public BacktestCommandTests(TrainedSample trained) => _trained = trained;

    [Fact]
    public async Task Backtest_AfterTheTrainingPeriod_WritesTheReportWhoseVerdictMatchesItsMetrics()
    {
        var (exit, host) = await Run("--start", "2018-01-02", "--end", "2018-06-29", "--out", "rep");
        using var _ = host;

        var folder = Path.Combine(_dir.Path, "rep");
        Assert.All(new[] { "report.json", "report.md", "equity.png", "drawdown.png", "ic_decay.png", "quintiles.png" }, f => Assert.True(new FileInfo(Path.Combine(folder, f)).Length > 0, f));
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "report.json")));
        var root = report.RootElement;
        var sharpe = root.GetProperty("strategy").GetProperty("sharpe").GetDouble();
        var drawdown = root.GetProperty("strategy").GetProperty("max_drawdown").GetDouble();
        var expected = sharpe > 1.0 && drawdown < 0.20 && root.GetProperty("feature_mismatch_count").GetInt64() == 0 && root.GetProperty("exceptions").GetArrayLength() == 0;
        Assert.Equal(expected ? "PASS" : "FAIL", root.GetProperty("verdict").GetString());
        Assert.Equal(expected ? 0 : 1, exit);
        Assert.Equal(3, root.GetProperty("symbols_processed").GetInt32());
        Assert.True(root.GetProperty("days").GetInt32() > 100);
        Assert.True(root.GetProperty("benchmark").GetProperty("annualized_volatility").GetDouble() > 0);
        Assert.StartsWith($"# Backtest ml_alpha: {root.GetProperty("verdict").GetString()}", File.ReadAllText(Path.Combine(folder, "report.md")));
        Assert.Equal(4, root.GetProperty("tear_sheet").GetProperty("ic_decay").GetArrayLength());
        Assert.Contains("net of costs (the gated one", host.Stdout);
    }

    [Fact]
    public async Task Backtest_WindowInsideTheTrainingData_IsRefusedUnlessAllowedAndThenFails()
    {
        var (refusedExit, refused) = await Run("--start", "2016-01-04", "--end", "2016-03-31", "--out", "in");
        refused.Dispose();
        var (exit, host) = await Run("--start", "2016-01-04", "--end", "2016-03-31", "--out", "in", "--allow-overlap");
        using var _ = host;

        Assert.Equal(2, refusedExit);
        Assert.Contains("overlaps the training data of 3 model(s)", refused.Stderr);
        Assert.Equal(1, exit);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "in", "report.json")));
        Assert.Equal(3, report.RootElement.GetProperty("training_overlap").GetArrayLength());
        Assert.Equal("FAIL", report.RootElement.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task BacktestFamilies_WithTheModelFamily_ServesTheConfiguredModelsAndKeepsTheOverlapRefusal()
    {
        // Run from another folder: models_dir is taken from the config file's folder.
        var (refusedExit, refused) = await HostProcess.RunAsync(_dir.Path, "backtest", "--families", "ml_alpha,momentum", "--model-dir", _trained.Models,
            "--start", "2016-01-04", "--end", "2016-03-31", "--out", "in", "--config", _trained.Config);
        refused.Dispose();
        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "backtest", "--families", "ml_alpha,momentum", "--start", "2018-01-02", "--end", "2018-03-29",
            "--out", "out", "--config", _trained.Config);
        using var _ = host;

        Assert.Equal(2, refusedExit);
        Assert.Contains("error: ml_alpha: the window 2016-01-04..2016-03-31 overlaps the training data of 3 model(s), e.g. ", refused.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "in")));
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "out", "report.json")));
        var root = report.RootElement;
        Assert.Equal(root.GetProperty("verdict").GetString() == "PASS" ? 0 : 1, exit);
        var ml = root.GetProperty("families").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "ml_alpha");
        Assert.Equal(Path.GetFullPath(_trained.Models), ml.GetProperty("report").GetProperty("model_dir").GetString());
        Assert.Equal(3, ml.GetProperty("report").GetProperty("symbols_processed").GetInt32());
        Assert.False(ml.GetProperty("enabled").GetBoolean());
        Assert.Equal(2, root.GetProperty("marginal").GetArrayLength());
    }

    [Theory]
    [InlineData("--start,2018-06-01,--end,2018-01-01", "error: --start 2018-06-01 is after --end 2018-01-01")]
    [InlineData("--start,2018-01-02,--end,2018-02-01,--model-dir,nowhere", "error: ")]
    [InlineData("--start,2018-01-02,--end,2018-02-01,--trials,0", "error: --trials 0: the number of configurations tried must be at least 1")]
    public async Task Backtest_BadInput_ExitsTwoAndWritesNothing(string args, string expected)
    {
        var (exit, host) = await HostProcess.RunAsync(_dir.Path, ["backtest", "--model-dir", _trained.Models, .. args.Split(','), "--out", "bad", "--config", _trained.Config]);
        using var _ = host;

        Assert.Equal(2, exit);
        Assert.StartsWith(expected, host.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "bad")));
    }

    public void Dispose() => _dir.Dispose();

    private Task<(int, HostProcess)> Run(params string[] args) =>
        HostProcess.RunAsync(_dir.Path, ["backtest", "--model-dir", _trained.Models, .. args, "--config", _trained.Config]);

    /// <summary>Three sample symbols trained through the CLI on 2015-2017, once for the class.</summary>
    public sealed class TrainedSample : IDisposable
    {
        private readonly TempDir _dir = new();

        public TrainedSample()
        {
            Config = _dir.Write("golden.yaml", TestConfigs.GoldenBesideRuntime().Replace("      scope: universe ", "      trees: 20\n      scope: symbol "));
            var (exit, host) = HostProcess.RunAsync(_dir.Path, "train", "--symbols", "AAA,AAB,AAC", "--end", "2017-12-29", "--config", Config).GetAwaiter().GetResult();
            using (host)
            {
                Assert.True(exit == 0, host.Stdout + host.Stderr);
            }

            Models = Path.Combine(_dir.Path, "models", "ml_alpha");
        }

        public string Config { get; }

        public string Models { get; }

        public void Dispose() => _dir.Dispose();
    }
}
