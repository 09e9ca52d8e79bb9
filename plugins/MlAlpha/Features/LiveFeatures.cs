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
    private readonly Dictionary<string, (FeatureState State, DateOnly LastDate, double[] Raw)> _states = new(StringComparer.Ordinal);

    public LiveFeatures(FeatureContract contract)
    {
        _contract = contract;
        _layout = new FeaturePipeline(contract);
    }

    /// <summary>Today's row for every symbol of the snapshot, in contract order, with the names of missing features.</summary>
    public IReadOnlyDictionary<string, LiveRow> Update(MarketSnapshot snapshot)
    {
        var width = FeatureState.Supported.Count;
        Dictionary<DateOnly, double>? marketReturns = null;
        var today = MarketReturnToday(snapshot);
        foreach (var history in snapshot.Symbols)
        {
            if (!_states.TryGetValue(history.Symbol, out var entry))
            {
                entry = (new FeatureState(), DateOnly.MinValue, new double[width]);
            }

            var bars = history.Bars.Span;
            var first = bars.Length;
            while (first > 0 && bars[first - 1].Date > entry.LastDate)
            {
                first--;
            }

            for (var i = first; i < bars.Length; i++)
            {
                var marketReturn = bars[i].Date == snapshot.Date ? today : (marketReturns ??= FeaturePipeline.BenchmarkReturns(snapshot.Benchmark)).GetValueOrDefault(bars[i].Date, double.NaN);
                entry.State.Update(bars[i], marketReturn, entry.Raw);
            }

            _states[history.Symbol] = (entry.State, bars[^1].Date, entry.Raw);
        }

        var ranks = _layout.SectorRanks(snapshot.Symbols.Select(h => (h, _states[h.Symbol].Raw)));
        var rows = new Dictionary<string, LiveRow>(snapshot.Symbols.Count, StringComparer.Ordinal);
        foreach (var history in snapshot.Symbols)
        {
            var (state, _, raw) = _states[history.Symbol];
            raw[_layout.SectorRankColumn] = ranks.GetValueOrDefault(history.Symbol, double.NaN);
            var values = _layout.Select(raw);
            var missing = new List<string>();
            for (var c = 0; c < values.Length; c++)
            {
                if (!float.IsFinite(values[c]))
                {
                    missing.Add(_contract.Names[c]);
                }
            }

            rows[history.Symbol] = new LiveRow(values, missing, state.Bars >= _contract.MinHistoryBars && missing.Count == 0);
        }

        return rows;
    }

    private static double MarketReturnToday(MarketSnapshot snapshot)
    {
        var bars = snapshot.Benchmark.Bars.Span;
        return bars.Length >= 2 && bars[^1].Date == snapshot.Date ? (bars[^1].Close / bars[^2].Close) - 1.0 : double.NaN;
    }
}

/// <summary>A symbol's features for the current cycle.</summary>
/// <param name="Values">float32 values in contract order.</param>
/// <param name="Missing">Names of the features that are not finite.</param>
/// <param name="IsValid">Enough history and every feature finite.</param>
internal sealed record LiveRow(float[] Values, IReadOnlyList<string> Missing, bool IsValid);
