using System.Globalization;
using AlphaHost.Abstractions;
using AlphaHost.Host.Market;

namespace AlphaHost.Tests.Support;

/// <summary>Writes the sample market into a bar folder, and appends later days to it as a data vendor's drop would.</summary>
internal sealed class BarFolderWriter
{
    private const string Header = "date,open,high,low,close,volume\n";
    private readonly SampleMarket _market;
    private readonly DateOnly? _firstDay;
    private int _written;

    /// <param name="firstDay">Date the first day written carries, the next ones following on weekdays; null keeps the sample market's own dates (from 2015).</param>
    public BarFolderWriter(string folder, int symbols, int seed = 11, DateOnly? firstDay = null)
    {
        Folder = folder;
        _firstDay = firstDay;
        _market = new SampleMarket(seed, symbols);
        Directory.CreateDirectory(Path.Combine(folder, "equities"));
        File.WriteAllText(Path.Combine(folder, "universe.csv"),
            "symbol,name,sector\n" + string.Concat(_market.Universe.Select(u => $"{u.Symbol},{u.Name},{u.Sector}\n")));
        File.WriteAllText(Path.Combine(folder, "benchmark_SPY.csv"), Header);
        foreach (var info in _market.Universe)
        {
            File.WriteAllText(EquityFile(info.Symbol), Header);
        }
    }

    public string Folder { get; }

    public IReadOnlyList<SymbolInfo> Universe => _market.Universe;

    public string EquityFile(string symbol) => Path.Combine(Folder, "equities", symbol + ".csv");

    /// <summary>
    /// Appends the next <paramref name="days"/> days: every equity file first, the benchmark last (the day's commit mark).
    /// <paramref name="damage"/> may rewrite a row (symbol, row) before it is written; the files of <paramref name="except"/>
    /// are left alone (a test that made one a FIFO).
    /// </summary>
    public void Append(int days, Func<string, string, string>? damage = null, string? except = null)
    {
        var rows = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var benchmark = new List<string>();
        for (var d = 0; d < days && _market.TryNextDay(out var day); d++)
        {
            var date = DateOf(day.Date);
            foreach (var (symbol, bar) in day.Bars)
            {
                var row = Row(bar with { Date = date });
                (rows.TryGetValue(symbol, out var list) ? list : rows[symbol] = []).Add(damage?.Invoke(symbol, row) ?? row);
            }

            benchmark.Add(Row(day.Benchmark!.Value with { Date = date }));
        }

        foreach (var (symbol, lines) in rows.Where(r => r.Key != except))
        {
            File.AppendAllText(EquityFile(symbol), string.Concat(lines));
        }

        File.AppendAllText(Path.Combine(Folder, "benchmark_SPY.csv"), string.Concat(benchmark));
    }

    private DateOnly DateOf(DateOnly sampleDate)
    {
        if (_firstDay is not { } date)
        {
            return sampleDate;
        }

        for (var i = 0; i < _written; i++)
        {
            do
            {
                date = date.AddDays(1);
            }
            while (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        }

        _written++;
        return date;
    }

    private static string Row(Bar bar) =>
        string.Create(CultureInfo.InvariantCulture, $"{bar.Date:yyyy-MM-dd},{bar.Open},{bar.High},{bar.Low},{bar.Close},{bar.Volume}\n");
}
