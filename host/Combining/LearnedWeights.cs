using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;

namespace AlphaHost.Host.Combining;

/// <summary>
/// The combiner's weights, close by close, in both modes: <c>static</c> hands the configured weights through untouched;
/// <c>learned</c> first settles each live family's own book on the close (its positions of the previous close earn
/// today's returns, less the cost of their turnover), then, every <see cref="CombinerOptions.UpdateDays"/> closes,
/// recomputes the weights by <see cref="WeightRule"/> from the returns realized so far, then takes each family's new
/// positions. The weights of a close therefore come from returns realized by that close, never a later one. A shadow
/// family or one with weight 0 is neither tracked nor reweighted; a disabled or failed family keeps its weight and
/// contributes 0.0, as in the static combiner (its own book is flat that day). The daemon and the backtest both weigh
/// through this one type.
/// </summary>
/// <param name="load">The state to start from, read at the first learned close (the daemon reads its file then).</param>
/// <param name="saved">Called with the state after each close observed (the daemon writes its file).</param>
internal sealed class LearnedWeights(Func<CombinerState> load, Action<CombinerState>? saved = null) : IFamilyWeights
{
    private CombinerState? _state;

    public LearnedWeights(CombinerState state)
        : this(() => state)
    {
    }

    public CombinerState State
    {
        get => _state ??= load();
        private set => _state = value;
    }

    public IReadOnlyList<FamilyOutcome> Weigh(MarketSnapshot snapshot, IReadOnlyList<FamilyOutcome> outcomes, AlphaHostConfig config)
    {
        if (config.Combiner.Mode == CombinerMode.Static)
        {
            return outcomes;
        }

        var live = outcomes.Where(o => !config.Family(o.Name).Shadow && o.Weight > 0).ToArray();
        if (State.LastDate is not { } last || snapshot.Date > last)
        {
            State = Observe(State, snapshot, live, config);
            saved?.Invoke(State);
        }

        return outcomes.Select(o => live.Contains(o) && State.Weights.TryGetValue(o.Name, out var weight) ? o with { Weight = weight } : o).ToArray();
    }

    /// <summary>The state after <paramref name="snapshot"/>'s close: books settled, weights updated when due, new positions taken.</summary>
    internal static CombinerState Observe(CombinerState state, MarketSnapshot snapshot, IReadOnlyList<FamilyOutcome> live, AlphaHostConfig config)
    {
        var options = config.Combiner;
        var closes = snapshot.Symbols.Where(s => s.Count > 0 && s.Last.Date == snapshot.Date).ToDictionary(s => s.Symbol, s => s.Last.Close, StringComparer.Ordinal);
        var settled = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (var family in live)
        {
            var returns = new List<double>();
            if (state.Families.TryGetValue(family.Name, out var track))
            {
                returns.AddRange(track.Returns.Skip(Math.Max(0, track.Returns.Count - options.LookbackDays + 1)));
                returns.Add(Settle(track, state.Closes, closes, options.CostBasisPoints));
            }

            settled[family.Name] = returns;
        }

        var due = state.UpdatedOn is null || state.DaysSinceUpdate + 1 >= options.UpdateDays || !SameFamilies(state.Weights, live);
        var weights = due
            ? WeightRule.Learn(live.ToDictionary(o => o.Name, o => o.Weight, StringComparer.Ordinal), settled.ToDictionary(p => p.Key, p => (IReadOnlyList<double>)p.Value), options)
            : state.Weights;
        var families = live.ToDictionary(o => o.Name, o => Positions(o, settled[o.Name], state.Families.GetValueOrDefault(o.Name)), StringComparer.Ordinal);
        return new CombinerState(snapshot.Date, due ? snapshot.Date : state.UpdatedOn, due ? 0 : state.DaysSinceUpdate + 1, weights, closes, families);
    }

    /// <summary>Yesterday's positions on today's closes, less yesterday's turnover cost (a symbol without both closes earns 0).</summary>
    private static double Settle(FamilyTrack track, IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after, double costBasisPoints)
    {
        var gross = 0.0;
        foreach (var (symbol, weight) in track.Positions)
        {
            if (before.TryGetValue(symbol, out var previous) && after.TryGetValue(symbol, out var close))
            {
                gross += weight * ((close / previous) - 1);
            }
        }

        return gross - (track.Turnover * costBasisPoints / 10_000.0);
    }

    /// <summary>The family's positions for its signals of this close (none unless it ran), as a backtest book takes them.</summary>
    private static FamilyTrack Positions(FamilyOutcome outcome, List<double> returns, FamilyTrack? before)
    {
        var positions = outcome.Kind == OutcomeKind.Ok ? SignalBook.Weights(outcome.Signals) : [];
        var previous = before?.Positions ?? new Dictionary<string, double>();
        var turnover = positions.Keys.Union(previous.Keys).Sum(s => Math.Abs(positions.GetValueOrDefault(s) - previous.GetValueOrDefault(s)));
        return new FamilyTrack(returns, positions, turnover);
    }

    private static bool SameFamilies(IReadOnlyDictionary<string, double> weights, IReadOnlyList<FamilyOutcome> live) =>
        weights.Count == live.Count && live.All(o => weights.ContainsKey(o.Name));
}
