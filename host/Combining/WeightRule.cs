namespace AlphaHost.Host.Combining;

/// <summary>
/// The learned weights from each live family's trailing net returns: the share of a family is its Sharpe ratio over the
/// look-back (floored at 0) as a share of all of theirs, mixed with its configured share (<see cref="CombinerOptions.Shrinkage"/>),
/// capped at <see cref="CombinerOptions.MaxWeight"/> (the excess goes to the others in proportion), and scaled back to
/// the configured total, so the combined signal keeps its size. Until every family has <see cref="CombinerOptions.MinDays"/>
/// days of returns, or when none has a positive Sharpe ratio, the configured weights stay.
/// </summary>
internal static class WeightRule
{
    /// <param name="configured">The live families (not shadow, weight above 0) and their configured weights.</param>
    /// <param name="returns">Each of those families' net daily returns, oldest first, each realized by the day the weights are for.</param>
    /// <param name="options">The look-back, shrinkage and cap.</param>
    public static Dictionary<string, double> Learn(IReadOnlyDictionary<string, double> configured, IReadOnlyDictionary<string, IReadOnlyList<double>> returns,
        CombinerOptions options)
    {
        var names = configured.Keys.Order(StringComparer.Ordinal).ToArray();
        var total = names.Sum(n => configured[n]);
        if (names.Length == 0 || total <= 0 || names.Any(n => !returns.TryGetValue(n, out var r) || r.Count < options.MinDays))
        {
            return names.ToDictionary(n => n, n => configured[n], StringComparer.Ordinal);
        }

        var evidence = names.Select(n => Math.Max(0.0, Sharpe(returns[n], options.LookbackDays))).ToArray();
        var strength = evidence.Sum();
        if (strength <= 0)
        {
            return names.ToDictionary(n => n, n => configured[n], StringComparer.Ordinal);
        }

        var shares = names.Select((n, i) => (options.Shrinkage * configured[n] / total) + ((1 - options.Shrinkage) * evidence[i] / strength)).ToArray();
        var capped = Cap(shares, options.MaxWeight);
        return names.Select((n, i) => (n, capped[i] * total)).ToDictionary(p => p.n, p => p.Item2, StringComparer.Ordinal);
    }

    /// <summary>Mean over standard deviation of the last <paramref name="lookback"/> returns (per day, not annualized); 0 without spread.</summary>
    public static double Sharpe(IReadOnlyList<double> returns, int lookback)
    {
        var n = Math.Min(lookback, returns.Count);
        if (n < 2)
        {
            return 0.0;
        }

        var window = returns.Skip(returns.Count - n).ToArray();
        var mean = window.Average();
        var variance = window.Sum(r => (r - mean) * (r - mean)) / (n - 1);
        return variance > 0 ? mean / Math.Sqrt(variance) : 0.0;
    }

    /// <summary>
    /// Shares summing to 1 with none above <paramref name="cap"/>: a share above it is set to it and the rest is spread
    /// over the others in proportion to their shares, until none is above (a cap below 1/n gives every one 1/n).
    /// </summary>
    public static double[] Cap(IReadOnlyList<double> shares, double cap)
    {
        var n = shares.Count;
        cap = Math.Max(cap, 1.0 / n);
        var result = new double[n];
        var fixedAtCap = new bool[n];
        while (true)
        {
            var remaining = 1.0 - (cap * fixedAtCap.Count(f => f));
            var free = Enumerable.Range(0, n).Where(i => !fixedAtCap[i]).ToArray();
            var freeSum = free.Sum(i => shares[i]);
            foreach (var i in free)
            {
                result[i] = freeSum > 0 ? remaining * shares[i] / freeSum : remaining / free.Length;
            }

            var over = free.Where(i => result[i] > cap + 1e-12).ToArray();
            if (over.Length == 0)
            {
                break;
            }

            foreach (var i in over)
            {
                fixedAtCap[i] = true;
                result[i] = cap;
            }
        }

        return result;
    }
}
