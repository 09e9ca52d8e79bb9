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
    private readonly FollowedBarFile _benchmark;
    private readonly Dictionary<string, FollowedBarFile> _bars;
    private readonly Dictionary<string, int> _cursor;
    private readonly string _equities;
    private readonly BarFileLimits _limits;
    private readonly List<DataIssue> _newIssues = [];
    private int _day;

    private BarFolderFeed(string folder, IReadOnlyList<SymbolInfo> universe, Dictionary<string, FollowedBarFile> bars, Dictionary<string, string> paths,
        string benchmarkPath, FollowedBarFile benchmark, IReadOnlyList<DataIssue> issues, BarFileLimits limits)
    {
        _equities = Path.Combine(folder, "equities");
        _limits = limits;
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
    /// <param name="folder">The folder.</param>
    /// <param name="only">When given, only these symbols' files are read (an offline command that needs a few symbols).</param>
    /// <param name="limits">The largest files read (null: the defaults); a larger one refuses the whole folder, naming it.</param>
    public static BarFolderFeed Open(string folder, IReadOnlySet<string>? only = null, BarFileLimits? limits = null)
    {
        limits ??= BarFileLimits.Default;
        var (equities, benchmarkPath) = Layout(folder);
        var issues = new List<DataIssue>();
        var sectors = UniverseFile.Read(folder, issues, limits.MaxUniverseFileBytes);
        var files = SymbolFiles(equities, issues, only);

        var (benchmark, benchmarkFollowed) = FollowedBarFile.Read(benchmarkPath, BarFolderEntry.Open(benchmarkPath, limits.MaxBarFileBytes, BarFileLimits.BarKey));
        issues.AddRange(benchmark.Issues.Select(i => new DataIssue("SPY", i)));

        var loaded = new (BarFile? File, FollowedBarFile? Followed, string? Error, bool TooLarge)[files.Length];
        Parallel.For(0, files.Length, i =>
        {
            try
            {
                if (BarFolderEntry.TryOpen(files[i].Path, limits.MaxBarFileBytes, BarFileLimits.BarKey, out var refused) is not { } stream)
                {
                    loaded[i] = (null, null, refused!.Reason + "; skipped", refused.Refusal == EntryRefusal.TooLarge);
                    return;
                }

                var (file, followed) = FollowedBarFile.Read(files[i].Path, stream);
                loaded[i] = (file, followed, null, false);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or CsvHelperException)
            {
                loaded[i] = (null, null, ex.Message, false);
            }
        });

        // A file over the limit is a setting to raise or a file to fix, not a symbol to do without unnoticed.
        var tooLarge = loaded.Where(l => l.TooLarge).Select(l => l.Error!.Replace("; skipped", "")).ToArray();
        if (tooLarge.Length > 0)
        {
            throw new InvalidDataException(tooLarge[0] + (tooLarge.Length > 1 ? $" (and {tooLarge.Length - 1} more bar file(s) as large)" : ""));
        }

        var bars = new Dictionary<string, FollowedBarFile>(StringComparer.Ordinal);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var universe = new List<SymbolInfo>();
        for (var i = 0; i < files.Length; i++)
        {
            var symbol = files[i].Symbol;
            var (file, followed, error, _) = loaded[i];
            if (file is null)
            {
                issues.Add(new DataIssue(symbol, error!));
                continue;
            }

            issues.AddRange(file.Issues.Select(issue => new DataIssue(symbol, issue)));
            if (file.Bars.Count == 0)
            {
                issues.Add(new DataIssue(symbol, "no valid rows; skipped"));
                continue;
            }

            if (!sectors.TryGetValue(symbol, out var info))
            {
                issues.Add(new DataIssue(symbol, $"not in {UniverseFile.FileName}; sector Unknown"));
                info = new SymbolInfo(symbol, symbol, "Unknown");
            }

            bars[symbol] = followed!;
            paths[symbol] = files[i].Path;
            universe.Add(info);
        }

        var named = Directory.GetFiles(equities, "*.csv").Select(f => Path.GetFileNameWithoutExtension(f).ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
        foreach (var symbol in sectors.Keys.Where(s => (only is null || only.Contains(s)) && !named.Contains(s)).Order(StringComparer.Ordinal))
        {
            issues.Add(new DataIssue(symbol, $"listed in {UniverseFile.FileName} but equities/{symbol}.csv is not there (or not readable); no bars"));
        }

        return new BarFolderFeed(folder, universe, bars, paths, benchmarkPath, benchmarkFollowed, issues, limits);
    }

    /// <summary>
    /// The symbols a folder holds with their sectors, from <c>universe.csv</c> and the file names, without reading any bar
    /// file: what an offline command asks its family about to choose which files to read.
    /// </summary>
    public static IReadOnlyList<SymbolInfo> ReadUniverse(string folder)
    {
        var (equities, _) = Layout(folder);
        var issues = new List<DataIssue>();
        var sectors = UniverseFile.Read(folder, issues, BarFileLimits.Default.MaxUniverseFileBytes);
        return SymbolFiles(equities, issues, only: null)
            .Select(f => sectors.TryGetValue(f.Symbol, out var info) ? info : new SymbolInfo(f.Symbol, f.Symbol, "Unknown"))
            .ToArray();
    }

    private static (string Equities, string Benchmark) Layout(string folder)
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

        return (equities, benchmarkPath);
    }

    /// <summary>
    /// The symbol files of <c>equities/</c>, by symbol (ordinal order). Files whose name is not a valid symbol, or whose
    /// names differ only in case (<c>AAPL.csv</c> and <c>aapl.csv</c>: which one is AAPL?) are left out, each reported by
    /// name; what is not a regular file is refused when it is opened (<see cref="BarFolderEntry"/>).
    /// </summary>
    private static (string Symbol, string Path)[] SymbolFiles(string equities, List<DataIssue> issues, IReadOnlySet<string>? only)
    {
        var files = Directory.Exists(equities) ? Directory.GetFiles(equities, "*.csv") : [];
        if (files.Length == 0)
        {
            throw new InvalidDataException($"{equities}: no equities/<SYMBOL>.csv files");
        }

        var result = new List<(string Symbol, string Path)>(files.Length);
        foreach (var group in files.GroupBy(f => Path.GetFileNameWithoutExtension(f).ToUpperInvariant(), StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var symbol = group.Key;
            if (only is not null && !only.Contains(symbol))
            {
                continue;
            }

            if (!SymbolInfo.IsValidSymbol(symbol))
            {
                issues.Add(new DataIssue(symbol, "file name is not a valid symbol; skipped"));
                continue;
            }

            if (group.Count() > 1)
            {
                issues.Add(new DataIssue(symbol, SameSymbol(group)));
                continue;
            }

            result.Add((symbol, group.First()));
        }

        return [.. result];
    }

    private static string SameSymbol(IEnumerable<string> files) =>
        $"{string.Join(" and ", files.Select(Path.GetFileName).Order(StringComparer.Ordinal))} name the same symbol (file names differ only in case); none is read";

    /// <summary>Symbol files of <c>equities/</c> named by another file that differs only in case, with the reason.</summary>
    private static Dictionary<string, string> AmbiguousNames(string equities) =>
        (Directory.Exists(equities) ? Directory.GetFiles(equities, "*.csv") : [])
            .GroupBy(f => Path.GetFileNameWithoutExtension(f).ToUpperInvariant(), StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .ToDictionary(g => g.Key, SameSymbol, StringComparer.Ordinal);

    /// <summary>
    /// Every symbol's bars on the benchmark's calendar within [<paramref name="start"/>, <paramref name="end"/>], without
    /// replaying the days: the same history as appending each day to a <see cref="MarketState"/> (the bars were validated
    /// when read and stay in order), sharing the bar arrays instead of copying them.
    /// </summary>
    public MarketHistory History(DateOnly? start, DateOnly? end)
    {
        var calendar = Within(_benchmark.Bars, start, end);
        var symbols = new List<SymbolHistory>(Universe.Count);
        foreach (var info in Universe)
        {
            var kept = OnCalendar(Within(_bars[info.Symbol].Bars, calendar.Count > 0 ? calendar[0].Date : DateOnly.MaxValue,
                calendar.Count > 0 ? calendar[^1].Date : DateOnly.MinValue), calendar);
            if (kept.Length > 0)
            {
                symbols.Add(new SymbolHistory(info, kept));
            }
        }

        return new MarketHistory(symbols, calendar.Count > 0 ? new SymbolHistory(Benchmark, calendar) : null, Description);
    }

    private static ArraySegment<Bar> Within(ArraySegment<Bar> bars, DateOnly? start, DateOnly? end)
    {
        var from = 0;
        while (from < bars.Count && start is { } first && bars[from].Date < first)
        {
            from++;
        }

        var to = bars.Count;
        while (to > from && end is { } last && bars[to - 1].Date > last)
        {
            to--;
        }

        return bars.Slice(from, to - from);
    }

    /// <summary>The bars dated on a calendar day (the benchmark's): the segment itself when all are, else a copy of those that are.</summary>
    private static ReadOnlyMemory<Bar> OnCalendar(ArraySegment<Bar> bars, ArraySegment<Bar> calendar)
    {
        List<Bar>? kept = null;
        var c = 0;
        for (var i = 0; i < bars.Count; i++)
        {
            while (c < calendar.Count && calendar[c].Date < bars[i].Date)
            {
                c++;
            }

            var onCalendar = c < calendar.Count && calendar[c].Date == bars[i].Date;
            if (!onCalendar && kept is null)
            {
                kept = [.. bars.Slice(0, i)];
            }
            else if (onCalendar && kept is not null)
            {
                kept.Add(bars[i]);
            }
        }

        return kept is null ? bars : kept.ToArray();
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

    public bool HoldsNextDay => _day < _benchmark.Bars.Count;

    public DateOnly? LastDay => _benchmark.Bars.Count > 0 ? _benchmark.Bars[^1].Date : null;

    public DateOnly? DateOf(int index) => index >= 0 && index < _benchmark.Bars.Count ? _benchmark.Bars[index].Date : null;

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
        if (FollowedBarFile.StampOf(_benchmarkPath) == _benchmark.Stamp)
        {
            return false;
        }

        // The same checks as the load: a name two files share now, a FIFO, a device, a vanished or an oversized file
        // skips its symbol's new days with a reason (once a change of the file), and never blocks.
        var ambiguous = AmbiguousNames(_equities);
        foreach (var (symbol, followed) in _bars)
        {
            followed.Follow(_paths[symbol], symbol, _newIssues, _limits.MaxBarFileBytes, ambiguous.GetValueOrDefault(symbol));
        }

        _benchmark.Follow(_benchmarkPath, Benchmark.Symbol, _newIssues, _limits.MaxBarFileBytes, refusal: null);
        return _day < _benchmark.Bars.Count;
    }
}
