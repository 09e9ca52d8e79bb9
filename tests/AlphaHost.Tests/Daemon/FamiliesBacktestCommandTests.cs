using System.Text.Json;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary><c>alphahost backtest --families</c> on a small sample market: the combined signal's report and verdict, each family's, the marginal table.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class FamiliesBacktestCommandTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _config;

    public FamiliesBacktestCommandTests() =>
        _config = _dir.Write("golden.yaml", TestConfigs.GoldenBesideRuntime().Replace("symbols: 500", "symbols: 60"));

    [Fact]
    public async Task BacktestFamiliesAll_WritesTheCombinedReportWhoseVerdictIsTheExitCode_AndEachEnabledFamilysReport()
    {
        var (exit, host) = await Run("--families", "all", "--start", "2016-03-01", "--end", "2016-03-31", "--out", "rep");
        using var _ = host;

        var folder = Path.Combine(_dir.Path, "rep");
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "report.json")));
        var root = report.RootElement;
        var verdict = root.GetProperty("verdict").GetString();
        Assert.Equal(verdict == "PASS" ? 0 : 1, exit);
        Assert.Equal(verdict, root.GetProperty("combined").GetProperty("verdict").GetString());
        Assert.True(root.GetProperty("combined").GetProperty("days").GetInt32() >= 20);

        // features.ml_enabled is false in the golden config: the enabled families are the other three.
        string[] enabled = ["momentum", "regime", "reversal"];
        Assert.Equal(enabled, root.GetProperty("families").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.Equal(enabled, root.GetProperty("marginal").EnumerateArray().Select(f => f.GetProperty("family").GetString()));
        Assert.Equal([0.3, 0.1, 0.2], root.GetProperty("families").EnumerateArray().Select(f => f.GetProperty("weight").GetDouble()));
        Assert.All(root.GetProperty("families").EnumerateArray(), f => Assert.True(f.GetProperty("report").GetProperty("symbols_processed").GetInt32() > 0));

        // The tear sheet of the combined signal and of each family, in report.json and as charts.
        Assert.Equal(4, root.GetProperty("combined").GetProperty("tear_sheet").GetProperty("ic_decay").GetArrayLength());
        Assert.All(root.GetProperty("families").EnumerateArray(), f => Assert.Equal(4, f.GetProperty("report").GetProperty("tear_sheet").GetProperty("ic_decay").GetArrayLength()));
        string[] charts = ["equity.png", "drawdown.png", "ic_decay.png", "quintiles.png"];
        Assert.All(charts.Append("report.md"), f => Assert.True(new FileInfo(Path.Combine(folder, f)).Length > 0, f));
        Assert.All(enabled.SelectMany(name => charts.Select(c => Path.Combine(folder, "families", name, c))), f => Assert.True(new FileInfo(f).Length > 0, f));
        Assert.StartsWith($"# Backtest combined: {verdict}", File.ReadAllText(Path.Combine(folder, "report.md")));
        Assert.StartsWith("# Backtest momentum: ", File.ReadAllText(Path.Combine(folder, "families", "momentum", "report.md")));
    }

    [Fact]
    public async Task BacktestFamilies_NamedFamilies_ReplaysOnlyThose()
    {
        var (_, host) = await Run("--families", "reversal,momentum", "--start", "2016-03-01", "--end", "2016-03-08", "--out", "two");
        using var _ = host;

        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "two", "report.json")));
        Assert.Equal(["reversal", "momentum"], report.RootElement.GetProperty("families").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.Equal(["momentum", "reversal"], Directory.GetDirectories(Path.Combine(_dir.Path, "two", "families")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("--families,nope,--start,2016-03-01,--end,2016-03-04", "error: --families: unknown family 'nope' (installed: ml_alpha, momentum, regime, reversal)")]
    [InlineData("--families,all,--start,2016-03-05,--end,2016-03-06", "error: sample(seed=42, symbols=60) has no bars in 2016-03-05..2016-03-06")]
    [InlineData("--families,momentum,--start,2015-01-05,--end,2015-01-30", "error: family momentum gave no signal in 2015-01-05..2015-01-30")]
    [InlineData("--families,all,--model-dir,.,--start,2016-03-01,--end,2016-03-04", "error: --model-dir: none of the families (momentum, regime, reversal) serves models")]
    [InlineData("--families,ml_alpha,--start,2016-03-01,--end,2016-03-04", "families.ml_alpha.models_dir: models folder ")]
    public async Task BacktestFamilies_BadInput_ExitsTwoWithOneLineAndWritesNothing(string args, string expected)
    {
        var (exit, host) = await Run([.. args.Split(','), "--out", "bad"]);
        using var _ = host;

        Assert.Equal(2, exit);
        Assert.Single(host.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, host.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "bad")));
    }

    public void Dispose() => _dir.Dispose();

    private Task<(int, HostProcess)> Run(params string[] args) => HostProcess.RunAsync(_dir.Path, ["backtest", .. args, "--config", _config]);
}
