using System.Globalization;
using System.Text;
using AlphaHost.Host.Market;
using AlphaHost.Tests.Support;
using CsvHelper;

namespace AlphaHost.Tests.Robustness;

/// <summary>
/// The bar-file reader against malformed input: every file of <c>Corpus/bars</c> with its <c>.expect</c> (the file is
/// refused naming the problem, or its good rows are kept and each bad one is reported), and a seeded fuzz loop over
/// mutations of a valid file. Reading either refuses the file with an <see cref="InvalidDataException"/> (or a CSV
/// error the feed reports for that symbol alone) or returns only bars that pass <see cref="BarValidator"/>.
/// </summary>
public sealed class BarFileFuzzTests
{
    private static readonly string CorpusDir = Path.Combine(TestPaths.TestSource, "Robustness", "Corpus", "bars");

    private static readonly string[] Tokens =
    [
        ",", "\"", "\n", "\r\n", "NaN", "-1", "0", "1e309", "Infinity", "-Infinity", "2020-02-30", "1999-12-31", "2020-01-02", " ", "\t", ";", "\0",
        "date", "close", "9999999999999999999999999", "1,2,3,4,5,6,7,8", "\"\"", "\"a\nb\"", "\uFEFF", "\u00e9", "0x1F", "1_000", "+5", ".5", "5.",
    ];

    public static TheoryData<string> CorpusFiles() => new(Directory.GetFiles(CorpusDir, "*.csv").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Read_CorpusFile_KeepsTheGoodRowsAndNamesEachProblem(string name)
    {
        var path = Path.Combine(CorpusDir, name);
        var expect = File.ReadAllText(Path.ChangeExtension(path, ".expect")).Trim();

        if (expect.StartsWith("refused: ", StringComparison.Ordinal))
        {
            var error = Assert.Throws<InvalidDataException>(() => BarFileReader.Read(path));
            Assert.Contains(path, error.Message);
            Assert.Contains(expect["refused: ".Length..], error.Message);
            return;
        }

        var parts = expect.Split("; issue: ");
        var file = BarFileReader.Read(path);
        Assert.Equal(int.Parse(parts[0]["rows: ".Length..], CultureInfo.InvariantCulture), file.Bars.Count);
        if (parts.Length > 1)
        {
            Assert.Contains(file.Issues, i => i.Contains(parts[1], StringComparison.Ordinal));
        }
        else
        {
            Assert.Empty(file.Issues);
        }

        AssertValid(file);
    }

    [Fact]
    public void Read_SeededMutationsOfAValidFile_ReturnValidBarsOrRefuseTheFile()
    {
        var valid = new StringBuilder("date,open,high,low,close,volume\n");
        var date = new DateOnly(2020, 1, 1);
        for (var i = 0; i < 40; i++)
        {
            valid.Append(CultureInfo.InvariantCulture, $"{date.AddDays(i):yyyy-MM-dd},{10 + i * 0.1},{11 + i * 0.1},{9 + i * 0.1},{10.5 + i * 0.1},{1000 + i}\n");
        }

        var mutator = new Mutator(seed: 20261124, Tokens);
        using var dir = new TempDir();
        var path = dir.File("FUZZ.csv");
        var refused = 0;
        for (var i = 0; i < 2000; i++)
        {
            var input = mutator.Mutate(valid.ToString());
            File.WriteAllText(path, input);
            try
            {
                AssertValid(BarFileReader.Read(path));
            }
            catch (Exception ex) when (ex is InvalidDataException or CsvHelperException)
            {
                refused++;
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                var saved = Path.Combine(Path.GetTempPath(), $"alphahost-bars-crash-{i}.csv");
                File.WriteAllText(saved, input);
                Assert.Fail($"mutation {i} crashed the reader with {ex.GetType().Name}: {ex.Message}; input saved to {saved} (add it to Robustness/Corpus/bars)");
            }
        }

        Assert.InRange(refused, 0, 1000);
    }

    [Fact]
    public void Read_SeededMutations_ByteScannerAgreesWithCsvHelper()
    {
        var valid = new StringBuilder("date,open,high,low,close,volume\n");
        var date = new DateOnly(2020, 1, 1);
        for (var i = 0; i < 30; i++)
        {
            valid.Append(CultureInfo.InvariantCulture, $"{date.AddDays(i):yyyy-MM-dd},{10 + i * 0.1},{11 + i * 0.1},{9 + i * 0.1},{10.5 + i * 0.1},{1000 + i}\n");
        }

        var mutator = new Mutator(seed: 20261201, Tokens);
        var inputs = Directory.GetFiles(CorpusDir, "*.csv").Select(File.ReadAllText).Concat(Enumerable.Range(0, 3000).Select(_ => mutator.Mutate(valid.ToString())));
        var n = 0;
        foreach (var input in inputs)
        {
            var bytes = Encoding.UTF8.GetBytes(input);
            var scanned = Outcome(() => BarFileReader.Read("FUZZ.csv", bytes));
            var reference = Outcome(() => CsvBarFileReader.Read("FUZZ.csv", new StreamReader(new MemoryStream(bytes))));
            if (scanned != reference)
            {
                var saved = Path.Combine(Path.GetTempPath(), $"alphahost-bars-differ-{n}.csv");
                File.WriteAllBytes(saved, bytes);
                Assert.Fail($"input {n} (saved to {saved}) read differently:\nscanner:   {scanned}\nCsvHelper: {reference}");
            }

            n++;
        }
    }

    private static string Outcome(Func<BarFile> read)
    {
        try
        {
            var file = read();
            return string.Join(";", file.Bars.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Date:yyyy-MM-dd} {b.Open:R} {b.High:R} {b.Low:R} {b.Close:R} {b.Volume:R}")))
                + " | " + string.Join(" / ", file.Issues);
        }
        catch (Exception ex) when (ex is InvalidDataException or CsvHelperException)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    [Fact]
    public void Read_HugeFile_ReadsEveryRowWithoutHoldingTheText()
    {
        using var dir = new TempDir();
        var path = dir.File("HUGE.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.Write("date,open,high,low,close,volume\n");
            var date = new DateOnly(1900, 1, 1);
            for (var i = 0; i < 200_000; i++)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{date.AddDays(i):yyyy-MM-dd},10,11,9,10.5,1000\n"));
            }
        }

        var file = BarFileReader.Read(path);

        Assert.Equal(200_000, file.Bars.Count);
        Assert.Empty(file.Issues);
    }

    private static void AssertValid(BarFile file)
    {
        DateOnly? last = null;
        foreach (var bar in file.Bars)
        {
            Assert.Null(BarValidator.Problem(bar, last));
            last = bar.Date;
        }
    }
}
