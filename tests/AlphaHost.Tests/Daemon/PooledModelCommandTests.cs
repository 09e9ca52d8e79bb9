using System.Text.Json;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary><c>train</c> with <c>training.scope: universe</c>, then <c>models validate</c> and <c>backtest</c> of the pooled model.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class PooledModelCommandTests : IDisposable
{
    private static readonly string Symbols = string.Join(',', Enumerable.Range(0, 20).Select(i => $"A{(char)('A' + (i / 26))}{(char)('A' + (i % 26))}"));
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Backtest_PooledModel_WindowInsideItsTrainingDataIsRefusedAndALaterWindowTradesEverySymbolOfItsUniverse()
    {
        var config = _dir.Write("golden.yaml", TestConfigs.GoldenBesideRuntime().Replace("      scope: universe ", "      trees: 20\n      scope: universe "));
        var (trained, train) = await HostProcess.RunAsync(_dir.Path, "train", "--symbols", Symbols, "--end", "2017-12-29", "--config", config);
        train.Dispose();
        Assert.True(trained == 0, train.Stdout + train.Stderr);
        var models = Path.Combine(_dir.Path, "models", "ml_alpha");
        var (validated, validate) = await HostProcess.RunAsync(_dir.Path, "models", "validate", "--dir", models, "--config", config);
        validate.Dispose();

        var (refusedExit, refused) = await HostProcess.RunAsync(_dir.Path, "backtest", "--model-dir", models, "--start", "2016-01-04", "--end", "2016-03-31", "--out", "in", "--config", config);
        refused.Dispose();
        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "backtest", "--model-dir", models, "--start", "2018-01-02", "--end", "2018-03-29", "--out", "out", "--config", config);
        using var _ = host;

        Assert.Equal(0, validated);
        // The progress shown reaches the end, also when the output is not a terminal.
        Assert.Contains("train: 20/20 symbol(s) done, 100 %", train.Stdout);
        Assert.Matches(@"replay: (\d+)/\1 trading day\(s\) done, 100 %", host.Stdout);
        Assert.Matches(@"OK: UNIVERSE_v1_\d{8}_\d{6}: 28 features", validate.Stdout);
        Assert.Equal(2, refusedExit);
        Assert.Contains("overlaps the training data of 1 model(s), e.g. UNIVERSE_v1_", refused.Stderr);
        Assert.True(exit is 0 or 1, host.Stdout + host.Stderr);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "out", "report.json")));
        Assert.Equal(20, report.RootElement.GetProperty("symbols_processed").GetInt32()); // the universe it was trained on, of the market's 500
        Assert.Equal(0, report.RootElement.GetProperty("feature_mismatch_count").GetInt64());
    }

    public void Dispose() => _dir.Dispose();
}
