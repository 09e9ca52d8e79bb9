using System.Diagnostics;
using System.Globalization;
using System.Text;
using AlphaHost.Host.Market;
using AlphaHost.Tests.Market;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Robustness;

/// <summary>
/// A seeded fuzz loop over the structure of a bar folder: file kinds (regular, empty, links to a device, to nothing or to
/// another file, FIFOs, folders named like a file), names (lower case, colliding in case, not a symbol), headers,
/// encodings (UTF-8 with and without a byte order mark, UTF-16, Latin-1), row shapes (mutations of valid rows) and
/// <c>universe.csv</c> variants. Opening either refuses the folder with one line (<see cref="InvalidDataException"/>) or
/// returns a feed whose problems are one line each and whose history holds only valid bars; the day-by-day replay then
/// runs to the end. Bounded by an iteration count and a time budget, whichever comes first.
/// </summary>
public sealed class BarFolderFuzzTests
{
    private const string Header = "date,open,high,low,close,volume\n";
    private const int Iterations = 400;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    private static readonly string[] Tokens =
    [
        ",", "\"", "\n", "\r\n", "\r", "NaN", "-1", "0", "1e309", "2020-02-30", "2019-12-31", " ", "\t", "\0", "\uFEFF", "\u00e9", "date", "1,2,3,4,5,6,7",
    ];

    private static readonly string[] Universes =
    [
        "symbol,name,sector\n{0}",
        "Symbol,Name,Sector\n{0}",
        "symbol,name\n{0}",
        "symbol,name,sector\n{0}AAA,Alpha\n",
        "symbol,name,sector\n{0}\"BBB\",\"Beta, Inc.\",Energy\n",
        "symbol,name,sector\n{0}{0}",
        "\uFEFFsymbol,name,sector\r\n{0}",
        "symbol,name,sector\n{0}\"unterminated,x,y\n",
        "",
    ];

    [Fact]
    public void Open_SeededFolderShapes_RefuseInOneLineOrLoadOnlyValidBars()
    {
        var random = new Random(20261201);
        var mutator = new Mutator(20261201, Tokens);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Iterations && clock.Elapsed < Budget; i++)
        {
            using var dir = new TempDir();
            var symbols = BuildFolder(dir, random, mutator);
            try
            {
                Check(dir.Path);
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                var saved = Path.Combine(Path.GetTempPath(), $"alphahost-folder-crash-{i}");
                CopyPlain(dir.Path, saved);
                Assert.Fail($"folder {i} ({symbols}) crashed the feed with {ex.GetType().Name}: {ex.Message}; copied to {saved} (add it to Robustness/Corpus/folders)");
            }
        }
    }

    /// <summary>Opens the folder, loads its history and replays it; asserts what a user relies on.</summary>
    internal static void Check(string folder)
    {
        BarFolderFeed feed;
        try
        {
            feed = BarFolderFeed.Open(folder);
        }
        catch (InvalidDataException refused)
        {
            Assert.DoesNotContain('\n', refused.Message);
            return;
        }

        Assert.All(feed.LoadIssues, issue => Assert.DoesNotContain('\n', issue.Problem));
        var history = MarketHistoryLoader.Load(feed, null, null, endless: false).History;
        foreach (var symbol in history.Symbols.Append(history.Benchmark).OfType<Abstractions.SymbolHistory>())
        {
            DateOnly? last = null;
            foreach (var bar in symbol.Bars.Span)
            {
                Assert.Null(BarValidator.Problem(bar, last));
                last = bar.Date;
            }
        }

        var replay = BarFolderFeed.Open(folder);
        var days = 0;
        while (replay.TryNextDay(out _) && days++ < 10_000)
        {
        }
    }

    private static string BuildFolder(TempDir dir, Random random, Mutator mutator)
    {
        var described = new StringBuilder();
        WriteEncoded(dir.File("benchmark_SPY.csv"), random.Next(6) == 0 ? mutator.Mutate(ValidRows(30)) : ValidRows(30), random);
        Directory.CreateDirectory(dir.File("equities"));
        var rows = new StringBuilder();
        var count = 1 + random.Next(4);
        for (var k = 0; k < count; k++)
        {
            var name = random.Next(8) switch
            {
                0 => "aaa",
                1 => "AAA",
                2 => "a b",
                3 => "\u00e9t\u00e9",
                4 => "",
                5 => new string('Z', 20),
                _ => $"S{k}",
            };
            var path = dir.File(Path.Combine("equities", name + ".csv"));
            var kind = random.Next(10);
            described.Append(CultureInfo.InvariantCulture, $"{name}.csv:{kind} ");
            if (File.Exists(path) || Directory.Exists(path))
            {
                continue;
            }

            switch (kind)
            {
                case 0:
                    File.WriteAllBytes(path, []);
                    break;
                case 1:
                    File.CreateSymbolicLink(path, "/dev/zero");
                    break;
                case 2:
                    File.CreateSymbolicLink(path, dir.File("nowhere.csv"));
                    break;
                case 3:
                    File.CreateSymbolicLink(path, dir.File("benchmark_SPY.csv"));
                    break;
                case 4:
                    BarFolderEntryTests.MakeFifo(path);
                    break;
                case 5:
                    Directory.CreateDirectory(path);
                    break;
                case 6:
                case 7:
                    WriteEncoded(path, mutator.Mutate(ValidRows(25)), random);
                    break;
                default:
                    WriteEncoded(path, ValidRows(25), random);
                    break;
            }

            rows.Append(CultureInfo.InvariantCulture, $"{name.ToUpperInvariant()},Name {k},Sector{random.Next(3)}\n");
        }

        if (random.Next(5) > 0)
        {
            var universe = string.Format(CultureInfo.InvariantCulture, Universes[random.Next(Universes.Length)], rows);
            WriteEncoded(dir.File("universe.csv"), random.Next(5) == 0 ? mutator.Mutate(universe) : universe, random);
        }

        return described.ToString();
    }

    private static string ValidRows(int count)
    {
        var text = new StringBuilder(Header);
        var date = new DateOnly(2020, 1, 1);
        for (var i = 0; i < count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{date.AddDays(i):yyyy-MM-dd},{10 + i * 0.1},{11 + i * 0.1},{9 + i * 0.1},{10.5 + i * 0.1},{1000 + i}\n");
        }

        return text.ToString();
    }

    private static void WriteEncoded(string path, string text, Random random)
    {
        var bytes = random.Next(8) switch
        {
            0 => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)],
            1 => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
            2 => Encoding.Latin1.GetBytes(text),
            _ => Encoding.UTF8.GetBytes(text),
        };
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Copies what can be copied (regular files; links and FIFOs are described by the failure message).</summary>
    private static void CopyPlain(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var info = new FileInfo(file);
            if (info.LinkTarget is null && info.Length > 0)
            {
                var destination = Path.Combine(target, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(file, destination, overwrite: true);
            }
        }
    }
}
