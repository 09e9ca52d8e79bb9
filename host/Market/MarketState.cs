using AlphaHost.Abstractions;

namespace AlphaHost.Host.Market;

/// <summary>
/// The validated history of every symbol, grown one trading day at a time. Bad bars are rejected here, so
/// they never reach a family; a snapshot exposes each symbol's bars up to the current day only.
/// </summary>
internal sealed class MarketState
{
    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly Series[] _ordered;
    private readonly Series _benchmark;
    private readonly int _maxHistory;

    /// <param name="universe">Every symbol the feed may deliver.</param>
    /// <param name="benchmark">The benchmark.</param>
    /// <param name="maxHistory">Bars kept per symbol (at least this many, at most twice): older ones are dropped so a long-running daemon's memory stays flat.</param>
    /// <param name="store">Where the bars live (default: on the heap); the daemon keeps them in the market image its workers map.</param>
    public MarketState(IReadOnlyList<SymbolInfo> universe, SymbolInfo benchmark, int maxHistory = 1260, IBarSlots? store = null)
    {
        _maxHistory = maxHistory;
        var slots = store ?? new ArrayBarSlots();
        var ordered = new List<SymbolInfo>(universe.Count);
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var info in universe)
        {
            if (positions.TryGetValue(info.Symbol, out var earlier))
            {
                ordered[earlier] = info;
            }
            else
            {
                positions[info.Symbol] = ordered.Count;
                ordered.Add(info);
            }
        }

        slots.Open(ordered.Count + 1, maxHistory);
        _ordered = ordered.Select((info, position) => new Series(info, position + 1, slots)).ToArray();
        foreach (var series in _ordered)
        {
            _series[series.Info.Symbol] = series;
        }

        _benchmark = new Series(benchmark, 0, slots);
        UniverseSize = universe.Count;
    }

    public int UniverseSize { get; }

    public DateOnly? CurrentDate { get; private set; }

    /// <summary>Appends one day. Returns the rejected bars and stale symbols of that day.</summary>
    /// <param name="day">The day's bars.</param>
    /// <param name="staleRepeatedBars">A symbol whose last this many bars are identical (open, high, low, close and volume: a
    /// feed that forward-fills a halted or delisted symbol's last bar under new dates) is stale like a symbol without a new bar
    /// (<c>market.stale_repeated_bars</c>); 0 turns the rule off, as for offline replays that judge no staleness.</param>
    public DayReport Append(MarketDay day, int staleRepeatedBars = 0)
    {
        var rejected = new List<DataIssue>();
        if (day.Benchmark is { } benchmarkBar && _benchmark.TryAppend(benchmarkBar) is { } benchmarkProblem)
        {
            rejected.Add(new DataIssue(_benchmark.Info.Symbol, benchmarkProblem));
        }

        var unknown = 0;
        foreach (var (symbol, bar) in day.Bars)
        {
            if (!_series.TryGetValue(symbol, out var series))
            {
                unknown++;
                continue;
            }

            if (series.TryAppend(bar) is { } problem)
            {
                rejected.Add(new DataIssue(symbol, problem));
            }
        }

        CurrentDate = day.Date;
        var fresh = 0;
        var stale = new List<string>();
        foreach (var series in _ordered)
        {
            series.Fresh = series.LastDate == day.Date && !RepeatedBarsRule.IsRepeated(series.Repeats, staleRepeatedBars);
            if (series.Fresh)
            {
                fresh++;
            }
            else if (series.Count > 0)
            {
                stale.Add(series.Info.Symbol);
            }
        }

        stale.Sort(StringComparer.Ordinal);
        return new DayReport(day.Date, fresh, stale, rejected, unknown, _benchmark.LastDate == day.Date);
    }

    /// <summary>The universe in the fixed order of positions of <see cref="Export"/> (a worker's market image slots).</summary>
    public IReadOnlyList<SymbolInfo> Universe => _ordered.Select(s => s.Info).ToArray();

    /// <summary>Every symbol of the universe with its kept bars (empty for a symbol without any), in universe order, and the benchmark's.</summary>
    public (SymbolHistory Benchmark, IReadOnlyList<SymbolHistory> Symbols) Export() =>
        (_benchmark.History(), _ordered.Select(s => s.History()).ToArray());

    public int MaxHistory => _maxHistory;

    /// <summary>The slot of a symbol of the universe in the market's store (<see cref="IBarSlots"/>: 1 + its universe position).</summary>
    public int SlotOf(string symbol) => _series[symbol].Slot;

    /// <summary>The families' view of the current day: symbols with a valid bar today that is not a repeat (stale), and the benchmark.</summary>
    public MarketSnapshot Snapshot(long cycle)
    {
        var date = CurrentDate ?? throw new InvalidOperationException("no market day has been appended yet");
        var symbols = new List<SymbolHistory>(_ordered.Length);
        foreach (var series in _ordered)
        {
            if (series.Fresh)
            {
                symbols.Add(series.History());
            }
        }

        return new MarketSnapshot(cycle, date, symbols, _benchmark.History());
    }

    /// <summary>Every symbol's whole kept history (symbols without a bar are left out), for offline work.</summary>
    public MarketHistory History(string source) => new(
        _ordered.Where(s => s.Count > 0).Select(s => s.History()).ToArray(),
        _benchmark.Count > 0 ? _benchmark.History() : null,
        source);

    private sealed class Series(SymbolInfo info, int slot, IBarSlots slots)
    {
        public SymbolInfo Info { get; } = info;

        public int Slot { get; } = slot;

        public int Count => slots.Count(Slot);

        public DateOnly? LastDate => Count == 0 ? null : slots.Last(Slot).Date;

        /// <summary>The last bars in a row with the same open, high, low, close and volume (1: the last differs from the one before).</summary>
        public int Repeats { get; private set; }

        /// <summary>Whether the last appended day brought this symbol a bar that is not stale.</summary>
        public bool Fresh { get; set; }

        public string? TryAppend(in Bar bar)
        {
            var problem = BarValidator.Problem(bar, LastDate);
            if (problem is null)
            {
                Repeats = Count > 0 && RepeatedBarsRule.SameBar(slots.Last(Slot), bar) ? Repeats + 1 : 1;
                slots.Append(Slot, bar);
            }

            return problem;
        }

        public SymbolHistory History() => new(Info, slots.Bars(Slot));
    }
}

/// <summary>What appending one day found.</summary>
/// <param name="Date">The day.</param>
/// <param name="Fresh">Symbols with a new bar that is not a repeat.</param>
/// <param name="StaleSymbols">The stale symbols (no new bar, or a repeated one: <see cref="RepeatedBarsRule"/>), in ordinal order.</param>
/// <param name="Rejected">The bars rejected, with why.</param>
/// <param name="UnknownSymbols">Bars of symbols outside the universe, left out.</param>
/// <param name="BenchmarkFresh">Whether the benchmark has a bar that day.</param>
internal sealed record DayReport(DateOnly Date, int Fresh, IReadOnlyList<string> StaleSymbols, IReadOnlyList<DataIssue> Rejected, int UnknownSymbols, bool BenchmarkFresh)
{
    public int Stale => StaleSymbols.Count;
}
