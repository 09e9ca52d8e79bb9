using System.Globalization;
using AlphaHost.Abstractions;
using CsvHelper;

namespace AlphaHost.Host.Market;

/// <summary>
/// Replays a bar folder (<c>equities/&lt;SYMBOL&gt;.csv</c>, <c>benchmark_SPY.csv</c>, <c>universe.csv</c>) day by
/// day on the benchmark's calendar. Bad rows are dropped when the files are read and reported per symbol.
/// When the replay reaches the end it follows the files: rows appended later are delivered as new days. The
/// benchmark row is the day's commit mark, so a data drop appends the equities first and the benchmark last; a
/// symbol whose row is not there yet is stale that day.
/// </summary>
internal sealed class BarFolderFeed : IMarketFeed
{
    private readonly string _benchmarkPath;
    private readonly Dictionary<string, string> _paths;
    private readonly Followed _benchmark;
    private readonly Dictionary<string, Followed> _bars;
    private readonly Dictionary<string, int> _cursor;
    private readonly List<DataIssue> _newIssues = [];
    private int _day;

    private BarFolderFeed(string folder, IReadOnlyList<SymbolInfo> universe, Dictionary<string, Followed> bars, Dictionary<string, string> paths,
        string benchmarkPath, Followed benchmark, IReadOnlyList<DataIssue> issues)
    {
        Description = $"bars({folder}, symbols={universe.Count})";
        Universe = universe;
        _bars = bars;
        _paths = paths;
        _benchmarkPath = benchmarkPath;
        _benchmark = benchmark;
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
        var benchmarkStamp = Followed.StampOf(benchmarkPath);
        var benchmark = BarFileReader.Read(benchmarkPath);
        issues.AddRange(benchmark.Issues.Select(i => new DataIssue("SPY", i)));

        var loaded = new (string Symbol, BarFile? File, string? Error)[files.Length];
        var stamps = files.Select(Followed.StampOf).ToArray();
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

        var bars = new Dictionary<string, Followed>(StringComparer.Ordinal);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var universe = new List<SymbolInfo>();
        foreach (var ((symbol, file, error), index) in loaded.Select((l, i) => (l, i)).OrderBy(l => l.l.Symbol, StringComparer.Ordinal))
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

            bars[symbol] = new Followed(file, stamps[index]);
            paths[symbol] = files[index];
            universe.Add(info);
        }

        return new BarFolderFeed(folder, universe, bars, paths, benchmarkPath, new Followed(benchmark, benchmarkStamp), issues);
    }

    /// <summary>Problems in rows appended since the folder was opened; each is returned once.</summary>
    public IReadOnlyList<DataIssue> TakeIssues()
    {
        if (_newIssues.Count == 0)
        {
            return [];
        }

        var issues = _newIssues.ToArray();
        _newIssues.Clear();
        return issues;
    }

    public bool TryNextDay(out MarketDay day)
    {
        if (_day >= _benchmark.Bars.Count && !FollowAppendedRows())
        {
            day = null!;
            return false;
        }

        var benchmark = _benchmark.Bars[_day++];
        var bars = new Dictionary<string, Bar>(_bars.Count, StringComparer.Ordinal);
        foreach (var (symbol, followed) in _bars)
        {
            var series = followed.Bars;
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

    /// <summary>
    /// Picks up rows appended to the files once the benchmark file has changed. Returns whether a new benchmark day
    /// arrived. A file that cannot be read now keeps what it had and is tried again when it changes.
    /// </summary>
    private bool FollowAppendedRows()
    {
        if (Followed.StampOf(_benchmarkPath) == _benchmark.Stamp)
        {
            return false;
        }

        foreach (var (symbol, followed) in _bars)
        {
            followed.Follow(_paths[symbol], symbol, _newIssues);
        }

        _benchmark.Follow(_benchmarkPath, Benchmark.Symbol, _newIssues);
        return _day < _benchmark.Bars.Count;
    }

    /// <summary>One file's good bars, extended by rows appended later (only rows dated after the last good bar count).</summary>
    private sealed class Followed(BarFile file, string stamp)
    {
        private readonly List<Bar> _bars = [.. file.Bars];
        private int _issuesSeen = file.Issues.Count;

        public IReadOnlyList<Bar> Bars => _bars;

        public string Stamp { get; private set; } = stamp;

        public static string StampOf(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? $"{info.Length}:{info.LastWriteTimeUtc.Ticks}" : "missing";
        }

        public void Follow(string path, string symbol, List<DataIssue> issues)
        {
            var stamp = StampOf(path);
            if (stamp == Stamp)
            {
                return;
            }

            try
            {
                // A row still being written (no line end yet) could parse as a wrong number: only complete lines count.
                string text;
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                using (var reader = new StreamReader(stream))
                {
                    text = reader.ReadToEnd();
                }

                var file = BarFileReader.Read(path, new StringReader(text[..(text.LastIndexOf('\n') + 1)]));
                var last = _bars.Count > 0 ? _bars[^1].Date : DateOnly.MinValue;
                _bars.AddRange(file.Bars.Where(b => b.Date > last));
                issues.AddRange(file.Issues.Skip(_issuesSeen).Select(i => new DataIssue(symbol, i)));
                _issuesSeen = file.Issues.Count;
                Stamp = stamp;
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or CsvHelperException)
            {
                issues.Add(new DataIssue(symbol, $"appended rows not read: {ex.Message}"));
                Stamp = stamp;
            }
        }
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
