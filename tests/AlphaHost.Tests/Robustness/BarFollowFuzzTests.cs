using System.Globalization;
using System.Text;
using AlphaHost.Abstractions;
using AlphaHost.Host.Market;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Robustness;

/// <summary>
/// A followed bar file written in arbitrary pieces (cut anywhere, mid-line and mid-number included) must give what
/// reading the finished file gives: the same bar for every day whose line had ended when the benchmark row committed
/// the day, nothing for the others, and the same problems with the same line numbers.
/// </summary>
public sealed class BarFollowFuzzTests
{
    private const int Seeds = 150;
    private const int Days = 40;

    [Fact]
    public void TryNextDay_FileAppendedInRandomPieces_DeliversWhatTheFinishedFileSays()
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            Check(seed);
        }
    }

    private static void Check(int seed)
    {
        var random = new Random(seed);
        var newline = random.Next(4) == 0 ? "\r\n" : "\n";
        var dates = Enumerable.Range(0, Days).Select(d => new DateOnly(2020, 1, 1).AddDays(d)).ToArray();
        var rows = new List<(string Text, DateOnly Date)>();
        foreach (var date in dates)
        {
            rows.Add((Row(date, random, newline), date));
            if (random.Next(8) == 0)
            {
                // Bad rows arriving live: a repeated day, a day from the past, a non-finite price.
                rows.Add((random.Next(3) switch
                {
                    0 => Row(date, random, newline),
                    1 => Row(date.AddDays(-5), random, newline),
                    _ => string.Create(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd},NaN,2,1,1.5,10{newline}"),
                }, date));
            }
        }

        var header = "date,open,high,low,close,volume" + newline;
        var atOpen = random.Next(1, 10);
        var text = header + string.Concat(rows.Select(r => r.Text));
        var lineEnds = new Dictionary<DateOnly, int>();
        var position = header.Length;
        foreach (var (row, date) in rows)
        {
            position += row.Length;
            lineEnds.TryAdd(date, position);
        }

        using var dir = new TempDir();
        var equity = dir.File("equities/AAA.csv");
        var benchmark = dir.File("benchmark_SPY.csv");
        var openedAt = header.Length + rows.TakeWhile(r => r.Date < dates[atOpen]).Sum(r => r.Text.Length);
        dir.Write("equities/AAA.csv", text[..openedAt]);
        dir.Write("benchmark_SPY.csv", "date,open,high,low,close,volume\n" + string.Concat(dates[..atOpen].Select(d => $"{d:yyyy-MM-dd},1,1,1,1,1\n")));
        dir.Write("universe.csv", "symbol,name,sector\nAAA,Alpha,Tech\n");
        var feed = BarFolderFeed.Open(dir.Path);
        var delivered = new Dictionary<DateOnly, Bar>();
        while (feed.TryNextDay(out var day))
        {
            Collect(day, delivered);
        }

        var written = openedAt;
        var completeWhenCommitted = new HashSet<DateOnly>(dates[..atOpen]);
        foreach (var date in dates[atOpen..])
        {
            var piece = Math.Min(text.Length - written, random.Next(0, 90));
            File.AppendAllText(equity, text.Substring(written, piece));
            written += piece;
            if (written >= lineEnds[date])
            {
                completeWhenCommitted.Add(date);
            }

            File.AppendAllText(benchmark, $"{date:yyyy-MM-dd},1,1,1,1,1\n");
            Assert.True(feed.TryNextDay(out var day), $"seed {seed}: {date} not delivered");
            Collect(day, delivered);
        }

        var issues = feed.LoadIssues.Concat(feed.TakeIssues()).Where(i => i.Symbol == "AAA").Select(i => i.Problem).ToList();
        File.AppendAllText(equity, text[written..]);
        File.AppendAllText(benchmark, $"{dates[^1].AddDays(1):yyyy-MM-dd},1,1,1,1,1\n");
        Assert.True(feed.TryNextDay(out _));
        issues.AddRange(feed.TakeIssues().Where(i => i.Symbol == "AAA").Select(i => i.Problem));

        var finished = BarFileReader.Read(equity);
        var expected = finished.Bars.Where(b => completeWhenCommitted.Contains(b.Date)).ToDictionary(b => b.Date);
        Assert.True(expected.Count == delivered.Count && expected.All(e => delivered.TryGetValue(e.Key, out var bar) && bar == e.Value),
            $"seed {seed}: delivered {string.Join(" ", delivered.Keys)}; expected {string.Join(" ", expected.Keys)}");
        Assert.Equal(finished.Issues, issues);
    }

    private static void Collect(MarketDay day, Dictionary<DateOnly, Bar> delivered)
    {
        if (day.Bars.TryGetValue("AAA", out var bar))
        {
            delivered.Add(day.Date, bar);
        }
    }

    private static string Row(DateOnly date, Random random, string newline)
    {
        var close = Math.Round(10 + (random.NextDouble() * 100), 4);
        return string.Create(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd},{close},{close + 1},{close - 1},{close},{random.Next(1, 1_000_000)}{newline}");
    }
}
