using System.Globalization;
using System.Text;
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
        var (benchmark, benchmarkFollowed) = Followed.Open(benchmarkPath);
        issues.AddRange(benchmark.Issues.Select(i => new DataIssue("SPY", i)));

        var loaded = new (string Symbol, BarFile? File, Followed? Followed, string? Error)[files.Length];
        Parallel.For(0, files.Length, i =>
        {
            var symbol = Path.GetFileNameWithoutExtension(files[i]).ToUpperInvariant();
            try
            {
                var (file, followed) = Followed.Open(files[i]);
                loaded[i] = (symbol, file, followed, null);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or CsvHelperException)
            {
                loaded[i] = (symbol, null, null, ex.Message);
            }
        });

        var bars = new Dictionary<string, Followed>(StringComparer.Ordinal);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var universe = new List<SymbolInfo>();
        foreach (var ((symbol, file, followed, error), index) in loaded.Select((l, i) => (l, i)).OrderBy(l => l.l.Symbol, StringComparer.Ordinal))
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

            bars[symbol] = followed!;
            paths[symbol] = files[index];
            universe.Add(info);
        }

        return new BarFolderFeed(folder, universe, bars, paths, benchmarkPath, benchmarkFollowed, issues);
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

    /// <summary>
    /// One file's good bars, extended by rows appended later. Only the bytes after the last complete line read are read
    /// again, so a daily drop costs a line a file, not the whole history. A file that shrank or whose bytes before that
    /// point changed was rewritten: it is read again whole and only rows dated after the last good bar count.
    /// </summary>
    private sealed class Followed
    {
        private const int TailLength = 256;
        private readonly List<Bar> _bars;
        private string _header = "";           // the column line, put before appended rows so they parse alike
        private long _offset;                   // bytes read up to the end of the last complete line
        private long _lines;                    // complete lines read after the header, for line numbers in problems
        private byte[] _tail = [];              // the last bytes before _offset: changed means rewritten
        private byte[] _unterminated = [];      // a last line without a line end, read at open
        private int _issuesSeen;                // problems reported so far, not repeated by a whole re-read

        private Followed(BarFile file, string stamp, byte[] bytes, int length)
        {
            _bars = [.. file.Bars];
            _issuesSeen = file.Issues.Count;
            Stamp = stamp;
            Consumed(bytes, length);
        }

        public IReadOnlyList<Bar> Bars => _bars;

        public string Stamp { get; private set; }

        /// <summary>Reads the whole file, a last line without a line end included (at open the file counts as finished).</summary>
        public static (BarFile File, Followed Followed) Open(string path)
        {
            var stamp = StampOf(path);
            var bytes = File.ReadAllBytes(path);
            var file = BarFileReader.Read(path, new StreamReader(new MemoryStream(bytes)));
            return (file, new Followed(file, stamp, bytes, bytes.Length));
        }

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
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                if (IsRewritten(stream))
                {
                    ReadWhole(stream, path, symbol, issues);
                }
                else
                {
                    ReadAppended(stream, path, symbol, issues);
                }

                Stamp = stamp;
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or CsvHelperException)
            {
                issues.Add(new DataIssue(symbol, $"appended rows not read: {ex.Message}"));
                Stamp = stamp;
            }
        }

        /// <summary>Whether the bytes read before are no longer where they were (the file was replaced or edited).</summary>
        private bool IsRewritten(FileStream stream)
        {
            if (_offset == 0 || stream.Length < _offset + _unterminated.Length)
            {
                return true;
            }

            var actual = new byte[_tail.Length + _unterminated.Length];
            stream.Position = _offset - _tail.Length;
            stream.ReadExactly(actual);
            return !actual.AsSpan(0, _tail.Length).SequenceEqual(_tail) || !actual.AsSpan(_tail.Length).SequenceEqual(_unterminated);
        }

        private void ReadAppended(FileStream stream, string path, string symbol, List<DataIssue> issues)
        {
            stream.Position = _offset;
            var appended = new byte[stream.Length - _offset];
            stream.ReadExactly(appended);

            // A row still being written (no line end yet) could parse as a wrong number: only complete lines count.
            var complete = appended.AsSpan().LastIndexOf((byte)'\n') + 1;
            if (complete == 0)
            {
                return;
            }

            // The last line at open had no line end but was read: when the writer only ended it, it is not read twice.
            var lines = appended.AsSpan(0, complete);
            var skipped = 0L;
            if (_unterminated.Length > 0 && lines.IndexOf((byte)'\n') is var end && lines[.._unterminated.Length].SequenceEqual(_unterminated)
                && lines[_unterminated.Length..(end + 1)].TrimEnd("\r\n"u8).IsEmpty)
            {
                lines = lines[(end + 1)..];
                skipped = 1;
            }

            var text = _header + "\n" + Encoding.UTF8.GetString(lines);
            var file = BarFileReader.Read(path, new StringReader(text), _lines + skipped, _bars.Count > 0 ? _bars[^1].Date : null);
            _bars.AddRange(file.Bars);
            issues.AddRange(file.Issues.Select(i => new DataIssue(symbol, i)));
            _issuesSeen += file.Issues.Count;
            _lines += appended.AsSpan(0, complete).Count((byte)'\n');
            _offset += complete;
            _unterminated = [];
            _tail = new byte[Math.Min(_offset, TailLength)];
            stream.Position = _offset - _tail.Length;
            stream.ReadExactly(_tail);
        }

        private void ReadWhole(FileStream stream, string path, string symbol, List<DataIssue> issues)
        {
            stream.Position = 0;
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            var complete = bytes.AsSpan().LastIndexOf((byte)'\n') + 1;
            var file = BarFileReader.Read(path, new StreamReader(new MemoryStream(bytes, 0, complete)));
            var last = _bars.Count > 0 ? _bars[^1].Date : DateOnly.MinValue;
            _bars.AddRange(file.Bars.Where(b => b.Date > last));
            issues.AddRange(file.Issues.Skip(_issuesSeen).Select(i => new DataIssue(symbol, i)));
            _issuesSeen = Math.Max(_issuesSeen, file.Issues.Count);
            Consumed(bytes, complete);
        }

        /// <summary>
        /// Records that the file's first <paramref name="length"/> bytes were read. Reading on starts after the last line
        /// end; a last line without one is kept to recognise it.
        /// </summary>
        private void Consumed(byte[] bytes, int length)
        {
            var span = bytes.AsSpan(0, length);
            var complete = span.LastIndexOf((byte)'\n') + 1;
            var headerEnd = span.IndexOf((byte)'\n');
            _header = headerEnd < 0 ? "" : Encoding.UTF8.GetString(span[..headerEnd]).TrimStart('\uFEFF').TrimEnd('\r');
            _lines = Math.Max(0, span[..complete].Count((byte)'\n') - 1);
            _offset = complete;
            _unterminated = span[complete..].ToArray();
            _tail = span[Math.Max(0, complete - TailLength)..complete].ToArray();
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
