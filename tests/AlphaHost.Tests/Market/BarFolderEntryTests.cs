using System.Diagnostics;
using AlphaHost.Host.Market;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Market;

/// <summary>What a bar folder may hold: regular files only, one file a symbol, a well-formed universe.csv.</summary>
public sealed class BarFolderEntryTests
{
    private const string Header = "date,open,high,low,close,volume\n";

    [Fact]
    public void Open_BarFileLinkedToDevZero_IsRefusedByNameAndTheOthersLoad()
    {
        using var dir = Folder();
        File.CreateSymbolicLink(dir.File("equities/ZERO.csv"), "/dev/zero");

        var feed = BarFolderFeed.Open(dir.Path);

        Assert.Equal(["AAA"], feed.Universe.Select(u => u.Symbol));
        var issue = Assert.Single(feed.LoadIssues, i => i.Symbol == "ZERO");
        Assert.Contains("ZERO.csv", issue.Problem);
        Assert.Contains("/dev/zero", issue.Problem);
        Assert.DoesNotContain('\n', issue.Problem);
    }

    [Fact]
    public async Task Open_FifoAsBarFile_IsRefusedByNameWithoutWaitingForAWriter()
    {
        using var dir = Folder();
        MakeFifo(dir.File("equities/PIPE.csv"));

        // A blocked open never returns: the wait gives up (TimeoutException) instead of hanging the suite.
        var feed = await Task.Run(() => BarFolderFeed.Open(dir.Path)).WaitAsync(TimeSpan.FromSeconds(60));

        var issue = Assert.Single(feed.LoadIssues, i => i.Symbol == "PIPE");
        Assert.Contains("PIPE.csv", issue.Problem);
        Assert.Contains("not a regular file", issue.Problem);
    }

    [Fact]
    public async Task Open_FifoAsBenchmark_IsRefusedNamingTheFile()
    {
        using var dir = new TempDir();
        dir.Write("equities/AAA.csv", Header + "2020-01-02,1,1,1,1,1\n");
        MakeFifo(dir.File("benchmark_SPY.csv"));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Task.Run(() => BarFolderFeed.Open(dir.Path)).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains("benchmark_SPY.csv", error.Message);
    }

    [Fact]
    public void Open_SymbolFilesDifferingOnlyInCase_AreBothRefusedByName()
    {
        using var dir = Folder();
        dir.Write("equities/BBB.csv", Header + "2020-01-02,1,1,1,1,1\n");
        dir.Write("equities/bbb.csv", Header + "2020-01-02,2,2,2,2,1\n");

        var feed = BarFolderFeed.Open(dir.Path);

        Assert.Equal(["AAA"], feed.Universe.Select(u => u.Symbol));
        var issue = Assert.Single(feed.LoadIssues, i => i.Symbol == "BBB");
        Assert.Contains("BBB.csv and bbb.csv", issue.Problem);
    }

    [Theory]
    [InlineData("Symbol,Name,Sector\nAAA,Alpha,Tech\n", ":1: header must be symbol,name,sector, got 'Symbol,Name,Sector'")]
    [InlineData("symbol,name,sector\nAAA,Alpha,Tech\nBBB,Beta\n", ":3: expected 3 fields (symbol,name,sector), got 2")]
    [InlineData("symbol,name,sector\nAAA,Alpha,Tech\nAAA,Alpha again,Tech\n", ":3: symbol AAA is listed twice")]
    [InlineData("symbol,name,sector\n../x,Alpha,Tech\n", ":2: '../x' is not a valid symbol")]
    [InlineData("", ": empty file (no header)")]
    public void Open_MalformedUniverse_IsRefusedInOneLineNamingFileAndLine(string universe, string expected)
    {
        using var dir = Folder();
        dir.Write("universe.csv", universe);

        var error = Assert.Throws<InvalidDataException>(() => BarFolderFeed.Open(dir.Path));

        Assert.Contains(dir.File("universe.csv") + expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Open_UniverseRowWithoutABarFile_IsReported()
    {
        using var dir = Folder();
        dir.Write("universe.csv", "symbol,name,sector\nAAA,Alpha,Tech\nGONE,Gone Inc,Energy\n");

        var feed = BarFolderFeed.Open(dir.Path);

        var issue = Assert.Single(feed.LoadIssues, i => i.Symbol == "GONE");
        Assert.Contains("equities/GONE.csv is not there", issue.Problem);
    }

    [Fact]
    public void History_OfABarFolder_IsTheDayByDayReplay()
    {
        using var dir = new TempDir();
        dir.Write("benchmark_SPY.csv", Header + "2020-01-02,1,1,1,1,1\n2020-01-03,1,1,1,1,1\n2020-01-06,1,1,1,1,1\n2020-01-07,1,1,1,1,1\n2020-01-08,1,1,1,1,1\n");
        dir.Write("equities/AAA.csv", Header + "2020-01-02,1,1,1,1,1\n2020-01-06,2,2,2,2,1\n2020-01-08,3,3,3,3,1\n");
        dir.Write("equities/BBB.csv", Header + "2019-12-31,1,1,1,1,1\n2020-01-03,1,1,1,1,1\n2020-01-04,5,5,5,5,1\n2020-01-07,1,1,1,1,1\n2020-01-09,1,1,1,1,1\n");
        dir.Write("equities/CCC.csv", Header + "2020-01-09,1,1,1,1,1\n");
        dir.Write("universe.csv", "symbol,name,sector\nAAA,Alpha,Tech\nBBB,Beta,Energy\nCCC,Gamma,Energy\n");

        foreach (var (start, end) in new (DateOnly?, DateOnly?)[] { (null, null), (new(2020, 1, 3), new(2020, 1, 7)), (new(2020, 1, 4), null), (null, new(2019, 1, 1)) })
        {
            var direct = MarketHistoryLoader.Load(BarFolderFeed.Open(dir.Path), start, end, endless: false).History;
            var replayed = MarketHistoryLoader.Replay(BarFolderFeed.Open(dir.Path), start, end, endless: false).History;

            Assert.Equal(Describe(replayed), Describe(direct));
        }
    }

    [Fact]
    public void Open_OnlySomeSymbols_ReadsOnlyTheirFiles()
    {
        using var dir = Folder();
        dir.Write("equities/BBB.csv", Header + "2020-01-02,1,1,1,1,1\n");
        File.CreateSymbolicLink(dir.File("equities/CCC.csv"), dir.File("missing-target.csv"));

        var feed = BarFolderFeed.Open(dir.Path, new HashSet<string>(["BBB"]));

        Assert.Equal(["BBB"], feed.Universe.Select(u => u.Symbol));
        Assert.DoesNotContain(feed.LoadIssues, i => i.Symbol is "AAA");
    }

    private static string Describe(Abstractions.MarketHistory history) =>
        string.Join(" | ", history.Symbols.Select(s => $"{s.Symbol}:{string.Join(",", s.Bars.ToArray().Select(b => $"{b.Date:MMdd}={b.Close}"))}"))
        + $" || SPY:{string.Join(",", history.Benchmark?.Bars.ToArray().Select(b => $"{b.Date:MMdd}") ?? [])}";

    private static TempDir Folder()
    {
        var dir = new TempDir();
        dir.Write("benchmark_SPY.csv", Header + "2020-01-02,1,1,1,1,1\n");
        dir.Write("equities/AAA.csv", Header + "2020-01-02,1,1,1,1,1\n");
        dir.Write("universe.csv", "symbol,name,sector\nAAA,Alpha,Tech\n");
        return dir;
    }

    internal static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
