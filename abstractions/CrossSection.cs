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
        var finite = scores.Where(s => double.IsFinite(s.Value)).OrderBy(s => s.Value).ToArray();
        var result = new Dictionary<string, double>(finite.Length, StringComparer.Ordinal);
        if (finite.Length < 2)
        {
            foreach (var s in finite)
            {
                result[s.Key] = 0.0;
            }

            return result;
        }

        var last = finite.Length - 1;
        var i = 0;
        while (i < finite.Length)
        {
            var j = i;
            while (j + 1 < finite.Length && finite[j + 1].Value == finite[i].Value)
            {
                j++;
            }

            var averageRank = (i + j) / 2.0;
            for (var k = i; k <= j; k++)
            {
                result[finite[k].Key] = (2.0 * averageRank / last) - 1.0;
            }

            i = j + 1;
        }

        return result;
    }
}
