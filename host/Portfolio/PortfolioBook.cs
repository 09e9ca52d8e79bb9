using AlphaHost.Abstractions;

namespace AlphaHost.Host.Portfolio;

/// <summary>
/// The one portfolio construction stage, for the backtest's books and the daemon: each close, the target
/// (<see cref="TargetWeights"/>) joins the last <see cref="PortfolioOptions.HorizonDays"/> closes' targets as one of
/// overlapping tranches (the book holds their mean), then the book trades toward it: a position whose move is within
/// <see cref="PortfolioOptions.NoTradeBand"/> stays, the others move <see cref="PortfolioOptions.RebalanceFraction"/>
/// of the way. The weights it returns are the book until the next close.
/// </summary>
internal sealed class PortfolioBook(PortfolioOptions options)
{
    private readonly Queue<Dictionary<string, double>> _tranches = new();
    private Dictionary<string, double> _weights = new(StringComparer.Ordinal);

    public PortfolioOptions Options => options;

    /// <summary>The book held since the last close (empty before the first).</summary>
    public IReadOnlyDictionary<string, double> Weights => _weights;

    /// <summary>Moves the book to this close's signals and returns it with the turnover the move took.</summary>
    public PortfolioStep Rebalance(IReadOnlyDictionary<string, double> signals, MarketSnapshot? snapshot)
    {
        var target = TargetWeights.Of(signals, snapshot, options);
        var next = options.TradesTargetInFull ? target : Trade(_weights, Blend(target));
        var turnover = Turnover(_weights, next);
        _weights = next;
        return new PortfolioStep(next, turnover);
    }

    /// <summary>The mean of the last H targets, each tranche 1/H of the book; fewer while the first H closes fill it.</summary>
    private Dictionary<string, double> Blend(Dictionary<string, double> target)
    {
        _tranches.Enqueue(target);
        while (_tranches.Count > options.HorizonDays)
        {
            _tranches.Dequeue();
        }

        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var tranche in _tranches)
        {
            foreach (var (symbol, weight) in tranche)
            {
                result[symbol] = result.GetValueOrDefault(symbol) + (weight / _tranches.Count);
            }
        }

        return result;
    }

    private Dictionary<string, double> Trade(Dictionary<string, double> current, Dictionary<string, double> target)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var symbol in target.Keys.Union(current.Keys))
        {
            var now = current.GetValueOrDefault(symbol);
            var wanted = target.GetValueOrDefault(symbol);
            var weight = Math.Abs(wanted - now) <= options.NoTradeBand ? now : now + (options.RebalanceFraction * (wanted - now));
            if (weight != 0)
            {
                result[symbol] = weight;
            }
        }

        return result;
    }

    private static double Turnover(Dictionary<string, double> before, Dictionary<string, double> after) =>
        after.Keys.Union(before.Keys).Sum(s => Math.Abs(after.GetValueOrDefault(s) - before.GetValueOrDefault(s)));
}

/// <summary>One close's book and the turnover (sum of |weight change|) that moved it there.</summary>
internal sealed record PortfolioStep(IReadOnlyDictionary<string, double> Weights, double Turnover)
{
    public double Gross => Weights.Values.Sum(Math.Abs);

    public double Net => Weights.Values.Sum();
}
