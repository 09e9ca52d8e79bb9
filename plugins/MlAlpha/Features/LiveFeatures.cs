using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;

namespace AlphaHost.Plugins.MlAlpha.Features;

/// <summary>
/// The live entry point: one <see cref="FeatureState"/> per symbol, fed each cycle only the bars it has not seen
/// (normally just today's), so a cycle costs O(1) per symbol. A symbol seen for the first time is warmed up on the
/// history the snapshot holds. Rows are the same as <see cref="FeaturePipeline.ComputeBatch"/>'s for the same bars.
/// </summary>
internal sealed class LiveFeatures
{
    private readonly FeatureContract _contract;
    private readonly FeaturePipeline _layout;
    private readonly Dictionary<string, Entry> _states = new(StringComparer.Ordinal);

    public LiveFeatures(FeatureContract contract)
    {
        _contract = contract;
        _layout = new FeaturePipeline(contract);
    }

    /// <summary>Today's row for every symbol of the snapshot, in contract order, with the names of missing features.</summary>
    public IReadOnlyDictionary<string, LiveRow> Update(MarketSnapshot snapshot)
    {
        var entries = new Entry[snapshot.Symbols.Count];
        for (var s = 0; s < entries.Length; s++)
        {
            var symbol = snapshot.Symbols[s].Symbol;
            if (!_states.TryGetValue(symbol, out var entry))
            {
                _states[symbol] = entry = new Entry();
            }

            entries[s] = entry;
        }

        var today = MarketReturnToday(snapshot);
        var marketReturns = new Lazy<Dictionary<DateOnly, double>>(() => FeaturePipeline.BenchmarkReturns(snapshot.Benchmark));
        // Symbols are independent until the sector ranks: update them on every core.
        Parallel.For(0, entries.Length, new ParallelOptions { MaxDegreeOfParallelism = entries.Length >= 64 ? Environment.ProcessorCount : 1 }, s =>
            entries[s].Feed(snapshot.Symbols[s].Bars.Span, snapshot.Date, today, marketReturns));

        var ranks = _layout.SectorRanks(snapshot.Symbols.Select((h, s) => (h, entries[s].Raw)));
        var rows = new Dictionary<string, LiveRow>(entries.Length, StringComparer.Ordinal);
        for (var s = 0; s < entries.Length; s++)
        {
            var history = snapshot.Symbols[s];
            var entry = entries[s];
            entry.Raw[_layout.SectorRankColumn] = ranks.GetValueOrDefault(history.Symbol, double.NaN);
            var values = _layout.Select(entry.Raw);
            List<string>? missing = null;
            for (var c = 0; c < values.Length; c++)
            {
                if (!float.IsFinite(values[c]))
                {
                    (missing ??= []).Add(_contract.Names[c]);
                }
            }

            rows[history.Symbol] = new LiveRow(values, missing ?? (IReadOnlyList<string>)[], entry.State.Bars >= _contract.MinHistoryBars && missing is null);
        }

        return rows;
    }

    private static double MarketReturnToday(MarketSnapshot snapshot)
    {
        var bars = snapshot.Benchmark.Bars.Span;
        return bars.Length >= 2 && bars[^1].Date == snapshot.Date ? (bars[^1].Close / bars[^2].Close) - 1.0 : double.NaN;
    }

    /// <summary>One symbol's running state and the last bar it has taken.</summary>
    private sealed class Entry
    {
        public FeatureState State { get; } = new();

        public double[] Raw { get; } = new double[FeatureState.Supported.Count];

        private DateOnly _lastDate = DateOnly.MinValue;

        /// <summary>Takes the bars not seen yet (normally just today's; the whole history on first sight).</summary>
        public void Feed(ReadOnlySpan<Bar> bars, DateOnly today, double todayReturn, Lazy<Dictionary<DateOnly, double>> marketReturns)
        {
            var first = bars.Length;
            while (first > 0 && bars[first - 1].Date > _lastDate)
            {
                first--;
            }

            for (var i = first; i < bars.Length; i++)
            {
                var marketReturn = bars[i].Date == today ? todayReturn : marketReturns.Value.GetValueOrDefault(bars[i].Date, double.NaN);
                State.Update(bars[i], marketReturn, Raw);
            }

            if (bars.Length > 0)
            {
                _lastDate = bars[^1].Date;
            }
        }
    }
}

/// <summary>A symbol's features for the current cycle.</summary>
/// <param name="Values">float32 values in contract order.</param>
/// <param name="Missing">Names of the features that are not finite.</param>
/// <param name="IsValid">Enough history and every feature finite.</param>
internal sealed record LiveRow(float[] Values, IReadOnlyList<string> Missing, bool IsValid);
