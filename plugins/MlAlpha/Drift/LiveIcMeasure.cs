using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.MlAlpha.Drift;

/// <summary>
/// The live rank IC of a model's predictions at its label horizon: each cycle keeps the outputs it served, and once the
/// benchmark's bars show <c>horizon</c> trading days since a kept cycle, scores that cycle's outputs against each symbol's
/// return since (close now / close then - 1, the model's label before its ranking) with <see cref="CrossSection.Spearman"/>.
/// A symbol counts only when its own bar <c>horizon</c> bars back is that cycle's date and its last bar is today's.
/// Starts again when the serving model changes. Keeps a few more cycles than the horizon, reused, so a cycle allocates
/// only the ranks of the one scored.
/// </summary>
internal sealed class LiveIcMeasure
{
    private readonly List<Served> _served = [];
    private readonly Dictionary<string, SymbolHistory> _histories = new(StringComparer.Ordinal);
    private readonly List<double> _outputs = [];
    private readonly List<double> _returns = [];
    private string? _model;

    /// <summary>
    /// Scores the outputs served <paramref name="horizon"/> trading days before the snapshot's date (NaN when none
    /// mature, or fewer than <see cref="ServingMeasure.MinRows"/> symbols can be scored), then keeps this cycle's.
    /// </summary>
    /// <param name="model">The serving model's identity; null when there is no model to score (nothing is kept).</param>
    public double Observe(MarketSnapshot snapshot, string? model, int horizon, IReadOnlyList<string> symbols, ReadOnlySpan<double> outputs)
    {
        if (model != _model)
        {
            _served.Clear();
            _model = model;
        }

        if (model is null || horizon < 1)
        {
            return double.NaN;
        }

        var ic = Score(snapshot, horizon);
        Keep(snapshot.Date, horizon, symbols, outputs);
        return ic;
    }

    private double Score(MarketSnapshot snapshot, int horizon)
    {
        var calendar = snapshot.Benchmark.Bars.Span;
        if (calendar.Length <= horizon)
        {
            return double.NaN;
        }

        var then = calendar[^(horizon + 1)].Date;
        var served = _served.Find(s => s.Date == then);
        if (served is null)
        {
            return double.NaN;
        }

        _histories.Clear();
        foreach (var history in snapshot.Symbols)
        {
            _histories[history.Symbol] = history;
        }

        _outputs.Clear();
        _returns.Clear();
        for (var i = 0; i < served.Symbols.Count; i++)
        {
            if (!_histories.TryGetValue(served.Symbols[i], out var history) || history.Count <= horizon)
            {
                continue;
            }

            var bars = history.Bars.Span;
            var (from, to) = (bars[^(horizon + 1)], bars[^1]);
            if (from.Date == then && to.Date == snapshot.Date && from.Close > 0 && double.IsFinite(to.Close))
            {
                _outputs.Add(served.Outputs[i]);
                _returns.Add((to.Close / from.Close) - 1);
            }
        }

        return _outputs.Count < ServingMeasure.MinRows ? double.NaN : CrossSection.Spearman(_outputs, _returns);
    }

    /// <summary>Keeps this cycle's outputs (replacing an earlier cycle of the same date), reusing the oldest slot.</summary>
    private void Keep(DateOnly date, int horizon, IReadOnlyList<string> symbols, ReadOnlySpan<double> outputs)
    {
        Served slot;
        if (_served.Count > 0 && _served[^1].Date == date)
        {
            slot = _served[^1];
        }
        else if (_served.Count > horizon + 5)
        {
            slot = _served[0];
            _served.RemoveAt(0);
            _served.Add(slot);
        }
        else
        {
            slot = new Served();
            _served.Add(slot);
        }

        slot.Date = date;
        slot.Symbols.Clear();
        slot.Outputs.Clear();
        for (var i = 0; i < symbols.Count; i++)
        {
            slot.Symbols.Add(symbols[i]);
            slot.Outputs.Add(outputs[i]);
        }
    }

    /// <summary>One cycle's outputs, by symbol.</summary>
    private sealed class Served
    {
        public DateOnly Date { get; set; }

        public List<string> Symbols { get; } = [];

        public List<double> Outputs { get; } = [];
    }
}
