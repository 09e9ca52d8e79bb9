using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;

namespace AlphaHost.Plugins.MlAlpha.Features;

/// <summary>
/// The live entry point: one <see cref="FeatureState"/> per symbol, fed each cycle only the bars it has not seen
/// (normally just today's), so a cycle costs O(1) per symbol. A symbol seen for the first time is warmed up on the
/// history the snapshot holds. Rows are the same as <see cref="FeaturePipeline.ComputeBatch"/>'s for the same bars.
/// A cycle allocates next to nothing (rows, their value arrays and the sector groups are reused), so the live path does
/// not feed the garbage collector: the rows returned are valid until the next <see cref="Update"/>.
/// </summary>
internal sealed class LiveFeatures
{
    private readonly FeatureContract _contract;
    private readonly FeaturePipeline _layout;
    private readonly Dictionary<string, Entry> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LiveRow> _rows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _bySector = new(StringComparer.Ordinal);
    private Entry[] _entries = [];
    private double[] _groupValues = [];
    private double[] _groupRanks = [];

    public LiveFeatures(FeatureContract contract)
    {
        _contract = contract;
        _layout = new FeaturePipeline(contract);
    }

    /// <summary>Today's row for every symbol of the snapshot, in contract order, with the names of missing features.</summary>
    public IReadOnlyDictionary<string, LiveRow> Update(MarketSnapshot snapshot)
    {
        var count = snapshot.Symbols.Count;
        if (_entries.Length < count)
        {
            _entries = new Entry[count];
        }

        var entries = _entries;
        var catchUp = false;
        for (var s = 0; s < count; s++)
        {
            var history = snapshot.Symbols[s];
            if (!_states.TryGetValue(history.Symbol, out var entry))
            {
                _states[history.Symbol] = entry = new Entry(_contract.Names.Count, _layout.PriceVolume);
            }

            entries[s] = entry;
            catchUp |= entry.NeedsHistory(history.Bars.Span, snapshot.Date);
        }

        // Only a symbol seen for the first time (or after a gap) needs the benchmark's returns on earlier days.
        var today = MarketReturnToday(snapshot);
        var marketReturns = catchUp ? FeaturePipeline.BenchmarkReturns(snapshot.Benchmark) : null;

        // Symbols are independent until the sector ranks: update them on every core.
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = count >= 64 ? Environment.ProcessorCount : 1 }, s =>
            entries[s].Feed(snapshot.Symbols[s].Bars.Span, snapshot.Date, today, marketReturns));

        RankWithinSectors(snapshot.Symbols, entries);
        _rows.Clear();
        for (var s = 0; s < count; s++)
        {
            var entry = entries[s];
            _layout.SelectInto(entry.Raw, entry.Row.Values);
            entry.Row.Refresh(_contract.Names, entry.State.Bars >= _contract.MinHistoryBars);
            _rows[snapshot.Symbols[s].Symbol] = entry.Row;
        }

        return _rows;
    }

    /// <summary><c>cross_rank_sector</c> and <c>ret_20d_sector_rel</c> for every symbol of the day, with the rules of <see cref="SectorRank"/>.</summary>
    private void RankWithinSectors(IReadOnlyList<SymbolHistory> symbols, Entry[] entries)
    {
        foreach (var members in _bySector.Values)
        {
            members.Clear();
        }

        for (var s = 0; s < symbols.Count; s++)
        {
            if (!FeaturePipeline.HasSector(symbols[s]))
            {
                entries[s].Raw[_layout.SectorRankColumn] = double.NaN;
                entries[s].Raw[_layout.SectorRelativeColumn] = double.NaN;
                continue;
            }

            if (!_bySector.TryGetValue(symbols[s].Info.Sector, out var members))
            {
                _bySector[symbols[s].Info.Sector] = members = [];
            }

            members.Add(s);
        }

        foreach (var members in _bySector.Values)
        {
            if (_groupValues.Length < members.Count)
            {
                _groupValues = new double[members.Count * 2];
                _groupRanks = new double[members.Count * 2];
            }

            for (var k = 0; k < members.Count; k++)
            {
                _groupValues[k] = entries[members[k]].Raw[_layout.Ret20Column];
            }

            SectorRank.RankGroup(_groupValues.AsSpan(0, members.Count), _groupRanks.AsSpan(0, members.Count));
            for (var k = 0; k < members.Count; k++)
            {
                entries[members[k]].Raw[_layout.SectorRankColumn] = _groupRanks[k];
            }

            if (_layout.PriceVolume)
            {
                SectorRank.RelativeGroup(_groupValues.AsSpan(0, members.Count), _groupRanks.AsSpan(0, members.Count));
                for (var k = 0; k < members.Count; k++)
                {
                    entries[members[k]].Raw[_layout.SectorRelativeColumn] = _groupRanks[k];
                }
            }
        }
    }

    private static double MarketReturnToday(MarketSnapshot snapshot)
    {
        var bars = snapshot.Benchmark.Bars.Span;
        return bars.Length >= 2 && bars[^1].Date == snapshot.Date ? (bars[^1].Close / bars[^2].Close) - 1.0 : double.NaN;
    }

    /// <summary>One symbol's running state, the last bar it has taken, and its row (reused every cycle).</summary>
    private sealed class Entry(int features, bool priceVolume)
    {
        private DateOnly _lastDate = DateOnly.MinValue;

        public FeatureState State { get; } = new(priceVolume);

        public double[] Raw { get; } = new double[FeatureState.Supported.Count];

        public LiveRow Row { get; } = new(new float[features]);

        /// <summary>Whether the bars not seen yet go beyond today's (first sight, or a gap): they need earlier market returns.</summary>
        public bool NeedsHistory(ReadOnlySpan<Bar> bars, DateOnly today)
        {
            var first = FirstUnseen(bars);
            return bars.Length - first > 1 || (first < bars.Length && bars[first].Date != today);
        }

        /// <summary>Takes the bars not seen yet (normally just today's; the whole history on first sight).</summary>
        public void Feed(ReadOnlySpan<Bar> bars, DateOnly today, double todayReturn, Dictionary<DateOnly, double>? marketReturns)
        {
            for (var i = FirstUnseen(bars); i < bars.Length; i++)
            {
                var marketReturn = bars[i].Date == today ? todayReturn : marketReturns?.GetValueOrDefault(bars[i].Date, double.NaN) ?? double.NaN;
                State.Update(bars[i], marketReturn, Raw);
            }

            if (bars.Length > 0)
            {
                _lastDate = bars[^1].Date;
            }
        }

        private int FirstUnseen(ReadOnlySpan<Bar> bars)
        {
            var first = bars.Length;
            while (first > 0 && bars[first - 1].Date > _lastDate)
            {
                first--;
            }

            return first;
        }
    }
}

/// <summary>A symbol's features for the current cycle (refreshed in place each cycle).</summary>
/// <param name="values">float32 values in contract order.</param>
internal sealed class LiveRow(float[] values)
{
    private readonly List<string> _missing = [];

    /// <summary>float32 values in contract order.</summary>
    public float[] Values { get; } = values;

    /// <summary>Names of the features that are not finite.</summary>
    public IReadOnlyList<string> Missing => _missing;

    /// <summary>Enough history and every feature finite.</summary>
    public bool IsValid { get; private set; }

    /// <summary>Recomputes <see cref="Missing"/> and <see cref="IsValid"/> from <see cref="Values"/>.</summary>
    public void Refresh(IReadOnlyList<string> names, bool enoughHistory)
    {
        _missing.Clear();
        for (var c = 0; c < Values.Length; c++)
        {
            if (!float.IsFinite(Values[c]))
            {
                _missing.Add(names[c]);
            }
        }

        IsValid = enoughHistory && _missing.Count == 0;
    }
}
