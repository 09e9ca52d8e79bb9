using System.Globalization;
using AlphaHost.Abstractions;
using CsvHelper;

namespace AlphaHost.Host.Market;

/// <summary>
/// Replays a bar folder (<c>equities/&lt;SYMBOL&gt;.csv</c>, <c>benchmark_SPY.csv</c>, <c>universe.csv</c>) day by
/// day on the benchmark's calendar. Bad rows are dropped when the files are read and reported per symbol.
/// </summary>
internal sealed class BarFolderFeed : IMarketFeed
{
    private readonly IReadOnlyList<Bar> _benchmarkBars;
    private readonly Dictionary<string, IReadOnlyList<Bar>> _bars;
    private readonly Dictionary<string, int> _cursor;
    private int _day;

    private BarFolderFeed(string folder, IReadOnlyList<SymbolInfo> universe, Dictionary<string, IReadOnlyList<Bar>> bars,
        IReadOnlyList<Bar> benchmark, IReadOnlyList<DataIssue> issues)
    {
        Description = $"bars({folder}, symbols={universe.Count})";
        Universe = universe;
        _bars = bars;
        _benchmarkBars = benchmark;
        LoadIssues = issues;
        _cursor = bars.Keys.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);
    }

    public string Description { get; }

    public IReadOnlyList<SymbolInfo> Universe { get; }

    public SymbolInfo Benchmark { get; } = new("SPY", "SPDR S&P 500 ETF", "Benchmark");

    public IReadOnlyList<DataIssue> LoadIssues { get; }

    /// <summary>Opens a bar folder. Throws <see cref="InvalidDataException"/> naming the path when it is unusable.</summary>
    public static BarFolderFeed Open(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new InvalidDataException($"{folder}: bar folder not found");
        }

        var equities = Path.Combine(folder, "equities");
        var benchmarkPath = Path.Combine(folder, "benchmark_SPY.csv");
        if (!File.Exists(benchmarkPath))
        {
            throw new InvalidDataException($"{benchmarkPath}: benchmark file not found");
        }

        var files = Directory.Exists(equities) ? Directory.GetFiles(equities, "*.csv") : [];
        if (files.Length == 0)
        {
            throw new InvalidDataException($"{equities}: no equities/<SYMBOL>.csv files");
        }

        var issues = new List<DataIssue>();
        var sectors = ReadUniverse(Path.Combine(folder, "universe.csv"), issues);
        var benchmark = BarFileReader.Read(benchmarkPath);
        issues.AddRange(benchmark.Issues.Select(i => new DataIssue("SPY", i)));

        var loaded = new (string Symbol, BarFile? File, string? Error)[files.Length];
        Parallel.For(0, files.Length, i =>
        {
            var symbol = Path.GetFileNameWithoutExtension(files[i]).ToUpperInvariant();
            try
            {
                loaded[i] = (symbol, BarFileReader.Read(files[i]), null);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or CsvHelperException)
            {
                loaded[i] = (symbol, null, ex.Message);
            }
        });

        var bars = new Dictionary<string, IReadOnlyList<Bar>>(StringComparer.Ordinal);
        var universe = new List<SymbolInfo>();
        foreach (var (symbol, file, error) in loaded.OrderBy(l => l.Symbol, StringComparer.Ordinal))
        {
            if (!SymbolInfo.IsValidSymbol(symbol))
            {
                issues.Add(new DataIssue(symbol, "file name is not a valid symbol; skipped"));
                continue;
            }

            if (file is null)
            {
                issues.Add(new DataIssue(symbol, error!));
                continue;
            }

            issues.AddRange(file.Issues.Select(i => new DataIssue(symbol, i)));
            if (file.Bars.Count == 0)
            {
                issues.Add(new DataIssue(symbol, "no valid rows; skipped"));
                continue;
            }

            if (!sectors.TryGetValue(symbol, out var info))
            {
                issues.Add(new DataIssue(symbol, "not in universe.csv; sector Unknown"));
                info = new SymbolInfo(symbol, symbol, "Unknown");
            }

            bars[symbol] = file.Bars;
            universe.Add(info);
        }

        return new BarFolderFeed(folder, universe, bars, benchmark.Bars, issues);
    }

    public bool TryNextDay(out MarketDay day)
    {
        if (_day >= _benchmarkBars.Count)
        {
            day = null!;
            return false;
        }

        var benchmark = _benchmarkBars[_day++];
        var bars = new Dictionary<string, Bar>(_bars.Count, StringComparer.Ordinal);
        foreach (var (symbol, series) in _bars)
        {
            var i = _cursor[symbol];
            while (i < series.Count && series[i].Date < benchmark.Date)
            {
                i++;
            }

            if (i < series.Count && series[i].Date == benchmark.Date)
            {
                bars[symbol] = series[i++];
            }

            _cursor[symbol] = i;
        }

        day = new MarketDay(benchmark.Date, bars, benchmark);
        return true;
    }

    private static Dictionary<string, SymbolInfo> ReadUniverse(string path, List<DataIssue> issues)
    {
        var result = new Dictionary<string, SymbolInfo>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            issues.Add(new DataIssue("universe.csv", $"{path} not found; every sector is Unknown"));
            return result;
        }

        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        foreach (var row in csv.GetRecords<UniverseRow>())
        {
            result[row.Symbol.Trim().ToUpperInvariant()] = new SymbolInfo(row.Symbol.Trim().ToUpperInvariant(), row.Name, row.Sector);
        }

        return result;
    }

    private sealed class UniverseRow
    {
        [CsvHelper.Configuration.Attributes.Name("symbol")]
        public string Symbol { get; set; } = "";

        [CsvHelper.Configuration.Attributes.Name("name")]
        public string Name { get; set; } = "";

        [CsvHelper.Configuration.Attributes.Name("sector")]
        public string Sector { get; set; } = "";
    }
}
