using AlphaHost.Host.Market;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Market;

/// <summary>
/// Following a bar folder opens its files with the same checks as the load: a file swapped for a FIFO, a device, a
/// vanished, an oversized file or a second name differing in case skips that symbol's new days with one reason, never blocks.
/// </summary>
public sealed class BarFolderFollowEntryTests : IDisposable
{
    private const string Header = "date,open,high,low,close,volume\n";
    private static readonly TimeSpan Blocked = TimeSpan.FromSeconds(30);
    private readonly TempDir _dir = new();

    [Fact]
    public async Task TryNextDay_BarFileSwappedForAFifo_SkipsThatSymbolsDayOnceWithoutBlocking()
    {
        var feed = Following();
        File.Delete(_dir.File("equities/AAA.csv"));
        BarFolderEntryTests.MakeFifo(_dir.File("equities/AAA.csv"));

        var first = await NextDayAsync(feed, "2020-01-03");
        var issues = feed.TakeIssues();
        var second = await NextDayAsync(feed, "2020-01-06");

        Assert.Equal(["BBB"], first.Bars.Keys);
        var issue = Assert.Single(issues);
        Assert.Equal("AAA", issue.Symbol);
        Assert.Contains("AAA.csv: a FIFO, not a regular file", issue.Problem);
        Assert.Equal(["BBB"], second.Bars.Keys);
        Assert.Empty(feed.TakeIssues());
    }

    [Fact]
    public async Task TryNextDay_BarFileLinkedToADevice_SkipsThatSymbolsDay()
    {
        var feed = Following();
        File.Delete(_dir.File("equities/AAA.csv"));
        File.CreateSymbolicLink(_dir.File("equities/AAA.csv"), "/dev/zero");

        var day = await NextDayAsync(feed, "2020-01-03");

        Assert.Equal(["BBB"], day.Bars.Keys);
        Assert.Contains("symbolic link to /dev/zero): a character device", Assert.Single(feed.TakeIssues()).Problem);
    }

    [Fact]
    public async Task TryNextDay_BarFileVanished_SkipsThatSymbolsDayOnceAndReadsItWhenBack()
    {
        var feed = Following();
        var kept = File.ReadAllText(_dir.File("equities/AAA.csv"));
        File.Delete(_dir.File("equities/AAA.csv"));

        var gone = await NextDayAsync(feed, "2020-01-03");
        var issue = Assert.Single(feed.TakeIssues());
        File.WriteAllText(_dir.File("equities/AAA.csv"), kept + "2020-01-03,2,2,2,2,1\n2020-01-06,2,2,2,2,1\n");
        var back = await NextDayAsync(feed, "2020-01-06");

        Assert.Equal(["BBB"], gone.Bars.Keys);
        Assert.Contains("AAA.csv: not there", issue.Problem);
        Assert.Equal(["AAA", "BBB"], back.Bars.Keys.Order());
        Assert.Empty(feed.TakeIssues());
    }

    [Fact]
    public async Task TryNextDay_BarFileGrownOverTheLimit_SkipsThatSymbolNamingTheKey()
    {
        var feed = Following(new BarFileLimits(MaxBarFileBytes: 4096, MaxUniverseFileBytes: 4096));
        File.AppendAllText(_dir.File("equities/AAA.csv"), "2020-01-03,2,2,2,2,1\n" + new string('\n', 5000));

        var day = await NextDayAsync(feed, "2020-01-03");

        Assert.Equal(["BBB"], day.Bars.Keys);
        Assert.Contains("larger than market.max_bar_file_bytes (4096 bytes)", Assert.Single(feed.TakeIssues()).Problem);
    }

    [Fact]
    public async Task TryNextDay_SecondFileDifferingInCaseAppears_SkipsThatSymbolsDay()
    {
        var feed = Following();
        _dir.Write("equities/aaa.csv", Header + "2020-01-03,9,9,9,9,1\n");
        File.AppendAllText(_dir.File("equities/AAA.csv"), "2020-01-03,2,2,2,2,1\n");

        var day = await NextDayAsync(feed, "2020-01-03");

        Assert.Equal(["BBB"], day.Bars.Keys);
        Assert.Contains("AAA.csv and aaa.csv name the same symbol", Assert.Single(feed.TakeIssues()).Problem);
    }

    [Fact]
    public void Open_BarFileOverTheLimit_IsRefusedInOneLineNamingTheFileAndKey()
    {
        Write("2020-01-02");
        using (var sparse = File.OpenWrite(_dir.File("equities/BIG.csv")))
        {
            sparse.SetLength(3L << 30);
        }

        var error = Assert.Throws<InvalidDataException>(() => BarFolderFeed.Open(_dir.Path));

        Assert.Contains("BIG.csv: 3221225472 bytes, larger than market.max_bar_file_bytes", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Open_UniverseOverTheLimit_IsRefusedInOneLineNamingTheFileAndKey()
    {
        Write("2020-01-02");
        using (var sparse = File.OpenWrite(_dir.File("universe.csv")))
        {
            sparse.SetLength(1L << 30);
        }

        var error = Assert.Throws<InvalidDataException>(() => BarFolderFeed.Open(_dir.Path));

        Assert.Contains("universe.csv: 1073741824 bytes, larger than market.max_universe_file_bytes (67108864 bytes)", error.Message);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>A folder of AAA and BBB on 2020-01-02, opened and replayed to its end.</summary>
    private BarFolderFeed Following(BarFileLimits? limits = null)
    {
        Write("2020-01-02");
        var feed = BarFolderFeed.Open(_dir.Path, limits: limits);
        Assert.True(feed.TryNextDay(out _));
        Assert.False(feed.TryNextDay(out _));
        Assert.Empty(feed.LoadIssues);
        return feed;
    }

    private void Write(string date)
    {
        _dir.Write("benchmark_SPY.csv", Header + $"{date},1,1,1,1,1\n");
        _dir.Write("equities/AAA.csv", Header + $"{date},1,1,1,1,1\n");
        _dir.Write("equities/BBB.csv", Header + $"{date},1,1,1,1,1\n");
        _dir.Write("universe.csv", "symbol,name,sector\nAAA,Alpha,Tech\nBBB,Beta,Energy\n");
    }

    /// <summary>Appends <paramref name="date"/> to BBB and then the benchmark, and takes the day; a blocked open fails the test instead of hanging it.</summary>
    private async Task<MarketDay> NextDayAsync(BarFolderFeed feed, string date)
    {
        File.AppendAllText(_dir.File("equities/BBB.csv"), $"{date},1,1,1,1,1\n");
        File.AppendAllText(_dir.File("benchmark_SPY.csv"), $"{date},1,1,1,1,1\n");
        var day = await Task.Run(() => feed.TryNextDay(out var day) ? day : null).WaitAsync(Blocked);
        Assert.NotNull(day);
        Assert.Equal(DateOnly.Parse(date), day.Date);
        return day;
    }
}
