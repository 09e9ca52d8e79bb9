using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>A malformed bar folder at the command line: one line naming the file and line, exit 2, in every command that reads one.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class BarFolderCommandTests : IDisposable
{
    private const string Header = "date,open,high,low,close,volume\n";
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData("run", "Symbol,Name,Sector\nAAA,Alpha,Tech\n", "universe.csv:1: header must be symbol,name,sector")]
    [InlineData("features", "Symbol,Name,Sector\nAAA,Alpha,Tech\n", "universe.csv:1: header must be symbol,name,sector")]
    [InlineData("audit", "Symbol,Name,Sector\nAAA,Alpha,Tech\n", "universe.csv:1: header must be symbol,name,sector")]
    [InlineData("train", "Symbol,Name,Sector\nAAA,Alpha,Tech\n", "universe.csv:1: header must be symbol,name,sector")]
    [InlineData("run", "symbol,name,sector\nAAA,Alpha\n", "universe.csv:2: expected 3 fields")]
    [InlineData("features", "symbol,name,sector\nAAA,Alpha\n", "universe.csv:2: expected 3 fields")]
    [InlineData("audit", "symbol,name,sector\nAAA,Alpha\n", "universe.csv:2: expected 3 fields")]
    [InlineData("train", "symbol,name,sector\nAAA,Alpha\n", "universe.csv:2: expected 3 fields")]
    public async Task Command_MalformedUniverse_ExitsTwoWithOneLineNamingFileAndLine(string command, string universe, string expected)
    {
        var data = Path.Combine(_dir.Path, "data");
        _dir.Write("data/benchmark_SPY.csv", Header + "2020-01-02,1,1,1,1,1\n");
        _dir.Write("data/equities/AAA.csv", Header + "2020-01-02,1,1,1,1,1\n");
        _dir.Write("data/universe.csv", universe);
        var config = _dir.Write("config.yaml", TestConfigs.GoldenBesideRuntime()
            .Replace("source: sample", "source: bars").Replace("data_dir: \"\"", "data_dir: data"));
        string[] args = command switch
        {
            "run" => ["run", "--cycles", "1"],
            "features" => ["features", "--symbol", "AAA", "--data", data],
            "audit" => ["audit", "--symbols", "AAA", "--out", "audit.json", "--data", data],
            _ => ["train", "--symbols", "AAA", "--data", data],
        };

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, [.. args, "--config", config]);
        using var _ = host;

        Assert.Equal(2, exit);
        var line = Assert.Single(host.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        Assert.DoesNotContain("CsvHelper", host.Stderr);
    }

    [Theory]
    [InlineData("equities/BIG.csv", 3L << 30, "BIG.csv: 3221225472 bytes, larger than market.max_bar_file_bytes (2147483591 bytes)")]
    [InlineData("universe.csv", 1L << 30, "universe.csv: 1073741824 bytes, larger than market.max_universe_file_bytes (67108864 bytes)")]
    public async Task Run_HugeSparseFileAtStart_ExitsTwoWithOneLineNamingFileAndKey(string file, long length, string expected)
    {
        _dir.Write("data/benchmark_SPY.csv", Header + "2020-01-02,1,1,1,1,1\n");
        _dir.Write("data/equities/AAA.csv", Header + "2020-01-02,1,1,1,1,1\n");
        _dir.Write("data/universe.csv", "symbol,name,sector\nAAA,Alpha,Tech\n");
        using (var sparse = File.OpenWrite(_dir.File("data/" + file)))
        {
            sparse.SetLength(length);
        }

        var config = _dir.Write("config.yaml", TestConfigs.GoldenBesideRuntime()
            .Replace("source: sample", "source: bars").Replace("data_dir: \"\"", "data_dir: data"));

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "run", "--cycles", "1", "--config", config);
        using var _ = host;

        Assert.True(exit == 2, $"exit {exit}\n{host.Stderr}");
        var line = Assert.Single(host.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        using var daemon = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "runtime", "daemon.json")));
        Assert.Equal("stopped", daemon.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Train_Symbols_ReadsOnlyTheirSectorsFilesAndTheBenchmark_AndTrainsThem()
    {
        var bars = new BarFolderWriter(Path.Combine(_dir.Path, "bars"), symbols: 30);
        bars.Append(days: 420);
        var asked = bars.Universe[0];
        var sector = bars.Universe.Where(u => u.Sector == asked.Sector).ToArray();
        // A file of another sector is unreadable: a train that read it would print its problem.
        var other = bars.Universe.First(u => u.Sector != asked.Sector);
        File.WriteAllText(bars.EquityFile(other.Symbol), "not,a,bar,file\n");
        var config = _dir.Write("config.yaml", TestConfigs.GoldenBesideRuntime().Replace("      scope: universe ", "      trees: 20\n      scope: symbol "));

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "train", "--symbols", asked.Symbol, "--data", bars.Folder, "--out", "models", "--config", config);
        using var _ = host;

        Assert.True(sector.Length is > 1 and < 30, $"{sector.Length} symbols in {asked.Sector}");
        Assert.True(exit == 0, $"exit {exit}\n{host.Stdout}\n{host.Stderr}");
        Assert.Contains($"on bars({bars.Folder}, symbols={sector.Length})", host.Stdout);
        Assert.Contains("trained 1, skipped 0", host.Stdout);
        Assert.DoesNotContain(other.Symbol, host.Stderr);
    }

    [Fact]
    public async Task Train_PerSymbolModels_TwoInstancesAtOnce_WriteTheModelsOneInstanceWrites()
    {
        // Per-symbol models are trained by two instances of the family at once, each in its own load context (its own
        // ML.NET, whose LightGBM trainer runs one training at a time per loaded copy): the same models as one instance.
        var bars = new BarFolderWriter(Path.Combine(_dir.Path, "bars"), symbols: 8);
        bars.Append(days: 420);
        var config = _dir.Write("config.yaml", TestConfigs.GoldenBesideRuntime().Replace("      scope: universe ", "      trees: 20\n      scope: symbol "));

        var (oneExit, one) = await HostProcess.RunAsync(_dir.Path, "train", "--all", "--jobs", "1", "--data", bars.Folder, "--out", "one", "--config", config);
        var (twoExit, two) = await HostProcess.RunAsync(_dir.Path, "train", "--all", "--jobs", "2", "--data", bars.Folder, "--out", "two", "--config", config);
        var (badExit, bad) = await HostProcess.RunAsync(_dir.Path, "train", "--all", "--jobs", "0", "--data", bars.Folder, "--out", "bad", "--config", config);
        using var _ = one;
        using var __ = two;
        using var ___ = bad;

        Assert.True((oneExit, twoExit) == (0, 0), $"{one.Stdout}{one.Stderr}\n{two.Stdout}{two.Stderr}");
        Assert.DoesNotContain("instances at once", one.Stdout);
        Assert.Contains("2 instances at once", two.Stdout);
        Assert.Contains("trained 8, skipped 0", two.Stdout);
        var models = ModelsByFolder(Path.Combine(_dir.Path, "one"));
        Assert.Equal(8, models.Count);
        Assert.Equal(models, ModelsByFolder(Path.Combine(_dir.Path, "two")));
        Assert.Equal(2, badExit);
        Assert.Contains("--jobs 0: must be at least 1", bad.Stderr);
    }

    /// <summary>Each symbol's latest model, less what differs by when it was written.</summary>
    private static Dictionary<string, string> ModelsByFolder(string models) =>
        Directory.GetDirectories(models, "*_v1_latest").ToDictionary(link => Path.GetFileName(link), link => ModelFiles.Content(link, "trained_at"));

    public void Dispose() => _dir.Dispose();
}
