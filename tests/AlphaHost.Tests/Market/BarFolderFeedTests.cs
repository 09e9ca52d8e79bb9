using AlphaHost.Host.Market;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Market;

public sealed class BarFolderFeedTests
{
    [Fact]
    public void Open_SmallFolder_ReplaysOnTheBenchmarkCalendar()
    {
        using var dir = new TempDir();
        dir.Write("benchmark_SPY.csv", "date,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n2020-01-03,1,1,1,1,1\n2020-01-06,1,1,1,1,1\n");
        dir.Write("equities/AAA.csv", "date,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n2020-01-06,2,2,2,2,1\n");
        dir.Write("equities/BBB.csv", "date,open,high,low,close,volume\n2020-01-03,1,1,1,1,1\n2020-01-04,1,1,1,1,1\n");
        dir.Write("universe.csv", "symbol,name,sector\nAAA,Alpha,Tech\nBBB,Beta,Energy\n");

        var feed = BarFolderFeed.Open(dir.Path);
        var days = new List<MarketDay>();
        while (feed.TryNextDay(out var day))
        {
            days.Add(day);
        }

        Assert.Equal(["Tech", "Energy"], feed.Universe.Select(u => u.Sector));
        Assert.Equal(3, days.Count);
        Assert.Equal(["AAA"], days[0].Bars.Keys);
        Assert.Equal(["BBB"], days[1].Bars.Keys);
        Assert.Equal(["AAA"], days[2].Bars.Keys);
    }

    [Fact]
    public void TryNextDay_RowsAppendedAfterTheEnd_AreDeliveredOnceTheBenchmarkRowArrives()
    {
        using var dir = new TempDir();
        dir.Write("benchmark_SPY.csv", "date,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n");
        dir.Write("equities/AAA.csv", "date,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n");
        dir.Write("equities/BBB.csv", "date,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n");
        var feed = BarFolderFeed.Open(dir.Path);
        Assert.True(feed.TryNextDay(out _));

        var beforeAnything = feed.TryNextDay(out _);
        File.AppendAllText(dir.File("equities/AAA.csv"), "2020-01-03,2,2,2,2,1\n");
        var equitiesOnly = feed.TryNextDay(out _);
        File.AppendAllText(dir.File("benchmark_SPY.csv"), "2020-01-03,1,1,1,1,1\n");
        Assert.True(feed.TryNextDay(out var third));
        File.AppendAllText(dir.File("equities/AAA.csv"), "2020-01-06,NaN,2,2,2,1\n");
        File.AppendAllText(dir.File("equities/BBB.csv"), "2020-01-06,3,3,3,3,1\n");
        File.AppendAllText(dir.File("benchmark_SPY.csv"), "2020-01-06,1,1,1,1,1\n2020-01-07,1,1,1,1");
        Assert.True(feed.TryNextDay(out var fourth));
        var halfWrittenRow = feed.TryNextDay(out _);
        File.AppendAllText(dir.File("benchmark_SPY.csv"), ",1\n");
        Assert.True(feed.TryNextDay(out var fifth));

        Assert.False(beforeAnything);
        Assert.False(equitiesOnly);
        Assert.Equal(new DateOnly(2020, 1, 3), third.Date);
        Assert.Equal(["AAA"], third.Bars.Keys);
        Assert.Equal(new DateOnly(2020, 1, 6), fourth.Date);
        Assert.Equal(["BBB"], fourth.Bars.Keys);
        Assert.False(halfWrittenRow);
        Assert.Equal(new DateOnly(2020, 1, 7), fifth.Date);
        Assert.Empty(fifth.Bars);
        var issues = feed.TakeIssues();
        Assert.Single(issues);
        Assert.Equal("AAA", issues[0].Symbol);
        Assert.Contains("line 4", issues[0].Problem);
        Assert.Empty(feed.TakeIssues());
    }

    [Theory]
    [InlineData("\n2020-01-03,2,2,2,2,1\n", true)]
    [InlineData("\r\n2020-01-03,2,2,2,2,1\r\n", true)]
    [InlineData("2020-01-03,2,2,2,2,1\n", false)]
    public void TryNextDay_FileWithoutFinalLineEndAtOpen_FollowsWhatIsOnDisk(string appended, bool delivered)
    {
        using var dir = new TempDir();
        dir.Write("benchmark_SPY.csv", "date,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n");
        dir.Write("equities/AAA.csv", "date,open,high,low,close,volume\n2020-01-02,1,1,1,1,1");
        var feed = BarFolderFeed.Open(dir.Path);
        Assert.True(feed.TryNextDay(out var first));

        File.AppendAllText(dir.File("equities/AAA.csv"), appended);
        File.AppendAllText(dir.File("benchmark_SPY.csv"), "2020-01-03,1,1,1,1,1\n");
        Assert.True(feed.TryNextDay(out var second));

        Assert.Equal(["AAA"], first.Bars.Keys);
        Assert.Equal(delivered, second.Bars.ContainsKey("AAA"));
        var issues = feed.TakeIssues();
        if (delivered)
        {
            Assert.Empty(issues);
        }
        else
        {
            // Glued to the last line, the row is not a row: the file on disk says line 2 has volume "12020-01-03".
            Assert.Equal("line 2: 2020-01-02: volume '12020-01-03' is not a number", Assert.Single(issues).Problem);
        }
    }

    [Fact]
    public void TryNextDay_AppendedRowsBreakingTheRules_AreReportedWithTheirLineInTheFile()
    {
        using var dir = new TempDir();
        var history = string.Concat(Enumerable.Range(0, 300).Select(d => $"{new DateOnly(2019, 1, 1).AddDays(d):yyyy-MM-dd},1,1,1,1,1\n"));
        dir.Write("benchmark_SPY.csv", "date,open,high,low,close,volume\n" + history);
        dir.Write("equities/AAA.csv", "date,open,high,low,close,volume\n" + history);
        var feed = BarFolderFeed.Open(dir.Path);
        while (feed.TryNextDay(out _))
        {
        }

        File.AppendAllText(dir.File("equities/AAA.csv"), "2019-06-01,2,2,2,2,1\n2019-10-28,2,2,2,2,1\n2019-10-28,3,3,3,3,1\n2019-10-29,-1,2,2,2,1\n");
        File.AppendAllText(dir.File("benchmark_SPY.csv"), "2019-10-28,1,1,1,1,1\n2019-10-29,1,1,1,1,1\n");
        Assert.True(feed.TryNextDay(out var day));

        Assert.Equal(2.0, day.Bars["AAA"].Close);
        Assert.Equal(
            ["line 302: 2019-06-01: date before 2019-10-27 (unsorted)", "line 304: 2019-10-28: duplicate date", "line 305: 2019-10-29: prices must be finite and positive"],
            feed.TakeIssues().Select(i => i.Problem.Split(" (open=")[0]));
    }

    [Theory]
    [InlineData("rewritten longer")]
    [InlineData("rewritten shorter")]
    public void TryNextDay_FileRewrittenInPlace_IsReadAgainWholeAndOnlyNewDaysCount(string rewrite)
    {
        using var dir = new TempDir();
        dir.Write("benchmark_SPY.csv", "date,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n2020-01-03,1,1,1,1,1\n");
        dir.Write("equities/AAA.csv", "date,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n2020-01-03,1,1,1,1,1\n");
        var feed = BarFolderFeed.Open(dir.Path);
        Assert.True(feed.TryNextDay(out _));
        Assert.True(feed.TryNextDay(out _));

        // A vendor re-issues the file (adjusted prices, other formatting) with the next day at the end.
        dir.Write("equities/AAA.csv", rewrite == "rewritten longer"
            ? "date,open,high,low,close,volume\n2020-01-02,1.5,1.5,1.5,1.5,100\n2020-01-03,1.5,1.5,1.5,1.5,100\n2020-01-06,7,7,7,7,1\n"
            : "date,open,high,low,close,volume\n2020-01-03,1,1,1,1,1\n2020-01-06,7,7,7,7,1\n");
        File.AppendAllText(dir.File("benchmark_SPY.csv"), "2020-01-06,1,1,1,1,1\n");
        Assert.True(feed.TryNextDay(out var day));

        Assert.Equal(new DateOnly(2020, 1, 6), day.Date);
        Assert.Equal(7.0, day.Bars["AAA"].Close);
        Assert.False(feed.TryNextDay(out _));
    }

    [Fact]
    public void Open_FolderWithoutBenchmark_IsRefusedNamingTheFile()
    {
        using var dir = new TempDir();
        dir.Write("equities/AAA.csv", "date,open,high,low,close,volume\n");

        var error = Assert.Throws<InvalidDataException>(() => BarFolderFeed.Open(dir.Path));

        Assert.Contains("benchmark_SPY.csv", error.Message);
    }

    [Fact]
    public void Open_EmptyFolder_IsRefused()
    {
        using var dir = new TempDir();
        dir.Write("benchmark_SPY.csv", "date,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n");

        var error = Assert.Throws<InvalidDataException>(() => BarFolderFeed.Open(dir.Path));

        Assert.Contains("equities", error.Message);
    }

    [Fact]
    public void Open_FileWithMissingColumn_SkipsOnlyThatSymbol()
    {
        using var dir = new TempDir();
        dir.Write("benchmark_SPY.csv", "date,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n");
        dir.Write("equities/AAA.csv", "date,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n");
        dir.Write("equities/BAD.csv", "date,price\n2020-01-02,1\n");

        var feed = BarFolderFeed.Open(dir.Path);

        Assert.Equal(["AAA"], feed.Universe.Select(u => u.Symbol));
        Assert.Contains(feed.LoadIssues, i => i.Symbol == "BAD" && i.Problem.Contains("missing column"));
    }

    [SharedDataFact]
    public void Open_SharedData_LoadsEveryListedSymbolAndReportsRealQuirks()
    {
        var feed = BarFolderFeed.Open(TestPaths.SharedData!);
        var market = new MarketState(feed.Universe, feed.Benchmark);
        var days = 0;
        while (feed.TryNextDay(out var day))
        {
            Assert.Empty(market.Append(day).Rejected);
            days++;
        }

        Assert.Equal(494, feed.Universe.Count);
        Assert.InRange(days, 4700, 4800);
        Assert.Equal(11, feed.Universe.Select(u => u.Sector).Distinct().Count());
        Assert.InRange(market.Snapshot(days).Symbols.Count, 480, 494);
    }
}
