namespace AlphaHost.Abstractions;

/// <summary>Cross-sectional scaling shared by families that rank symbols against each other.</summary>
public static class CrossSection
{
    /// <summary>
    /// Scores every symbol of the snapshot that has at least <paramref name="minBars"/> bars and ranks the scores
    /// into [-1, 1] with <see cref="RankToUnit"/>.
    /// </summary>
    /// <param name="snapshot">The cycle's snapshot.</param>
    /// <param name="minBars">Bars of history a symbol needs to be scored.</param>
    /// <param name="score">The raw score of one symbol.</param>
    public static Dictionary<string, double> RankSymbols(MarketSnapshot snapshot, int minBars, Func<SymbolHistory, double> score)
    {
        var scores = new List<KeyValuePair<string, double>>(snapshot.Symbols.Count);
        foreach (var history in snapshot.Symbols)
        {
            if (history.Count >= minBars)
            {
                scores.Add(new(history.Symbol, score(history)));
            }
        }

        return RankToUnit(scores);
    }

    /// <summary>
    /// Maps raw scores to [-1, 1] by rank: the lowest score gets -1, the highest +1, ties share their average
    /// rank. Non-finite scores are left out. With fewer than two scores every signal is 0.
    /// </summary>
    /// <param name="scores">Raw score per symbol.</param>
    public static Dictionary<string, double> RankToUnit(IReadOnlyList<KeyValuePair<string, double>> scores)
    {
        var finite = scores.Where(s => double.IsFinite(s.Value)).ToArray();
        var result = new Dictionary<string, double>(finite.Length, StringComparer.Ordinal);
        var ranks = AverageRanks(finite.Select(s => s.Value).ToArray());
        var last = finite.Length - 1;
        for (var i = 0; i < finite.Length; i++)
        {
            result[finite[i].Key] = last < 1 ? 0.0 : (2.0 * ranks[i] / last) - 1.0;
        }

        return result;
    }

    /// <summary>
    /// Ranks from 0 (smallest) to n - 1 (largest), in the order of <paramref name="values"/>; tied values share their
    /// average rank. The one ranking rule of every cross-sectional score, percentile and rank correlation.
    /// </summary>
    /// <param name="values">The values to rank (finite).</param>
    public static double[] AverageRanks(IReadOnlyList<double> values)
    {
        var ranks = new double[values.Count];
        AverageRanks(values as double[] ?? values.ToArray(), ranks);
        return ranks;
    }

    /// <summary>
    /// <see cref="AverageRanks(IReadOnlyList{double})"/> into a caller's buffer, for loops that must not allocate
    /// (scratch space is rented and returned).
    /// </summary>
    /// <param name="values">The values to rank (finite).</param>
    /// <param name="ranks">Receives the rank of each value, in the order of <paramref name="values"/>.</param>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void AverageRanks(ReadOnlySpan<double> values, Span<double> ranks)
    {
        if (ranks.Length < values.Length)
        {
            throw new ArgumentException("ranks is shorter than values", nameof(ranks));
        }

        var n = values.Length;
        var keys = System.Buffers.ArrayPool<double>.Shared.Rent(n);
        var order = System.Buffers.ArrayPool<int>.Shared.Rent(n);
        try
        {
            values.CopyTo(keys);
            for (var i = 0; i < n; i++)
            {
                order[i] = i;
            }

            if (n <= InsertionSortMax)
            {
                InsertionSort(keys.AsSpan(0, n), order.AsSpan(0, n));
            }
            else
            {
                keys.AsSpan(0, n).Sort(order.AsSpan(0, n));
            }
            var start = 0;
            while (start < n)
            {
                var end = start;
                while (end + 1 < n && keys[end + 1] == keys[start])
                {
                    end++;
                }

                for (var k = start; k <= end; k++)
                {
                    ranks[order[k]] = (start + end) / 2.0;
                }

                start = end + 1;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(keys);
            System.Buffers.ArrayPool<int>.Shared.Return(order);
        }
    }

    /// <summary>Groups up to this size are sorted by insertion (a sector's members on one day: 23 to 74 symbols in
    /// ../shared/data), where the general sort's set-up and mispredicted branches cost about what the moves do, and
    /// the general sort's (double, int) instantiation would first run unoptimized in a one-shot command (80 rather than
    /// 48 covers every sector of the real bars; docs/performance.md, "Offline path", measures <c>ComputeBatch</c>).</summary>
    private const int InsertionSortMax = 80;

    /// <summary>Sorts <paramref name="keys"/> ascending, moving <paramref name="items"/> alongside (ties keep their
    /// order; the ranks do not depend on it, since tied values share their average rank).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void InsertionSort(Span<double> keys, Span<int> items)
    {
        for (var i = 1; i < keys.Length; i++)
        {
            var key = keys[i];
            var item = items[i];
            var j = i - 1;
            while (j >= 0 && keys[j].CompareTo(key) > 0)
            {
                keys[j + 1] = keys[j];
                items[j + 1] = items[j];
                j--;
            }

            keys[j + 1] = key;
            items[j + 1] = item;
        }
    }

    /// <summary>
    /// Pearson correlation of <paramref name="x"/> and <paramref name="y"/> (a day's IC: signals against returns). The
    /// one correlation of every IC, rank IC and live score the host and the families report.
    /// </summary>
    /// <param name="x">One value per symbol (finite).</param>
    /// <param name="y">The paired values, as many as <paramref name="x"/>.</param>
    /// <returns>The correlation in [-1, 1]; <see cref="double.NaN"/> for fewer than 3 pairs or when either side has no
    /// variance (all signals or all returns equal): such a day has no correlation, and reports leave it out of their
    /// means rather than count it as 0.</returns>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(y.Count, x.Count, nameof(y));
        var n = x.Count;
        if (n < 3)
        {
            return double.NaN;
        }

        double mx = 0, my = 0;
        for (var i = 0; i < n; i++)
        {
            mx += x[i];
            my += y[i];
        }

        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            var dx = x[i] - mx;
            var dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }

        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Spearman rank correlation: <see cref="Pearson"/> of the <see cref="AverageRanks(IReadOnlyList{double})"/> (a day's rank IC).</summary>
    /// <param name="x">One value per symbol (finite).</param>
    /// <param name="y">The paired values, as many as <paramref name="x"/>.</param>
    /// <returns>The rank correlation; <see cref="double.NaN"/> under the same rule as <see cref="Pearson"/>.</returns>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y) => Pearson(AverageRanks(x), AverageRanks(y));
}
