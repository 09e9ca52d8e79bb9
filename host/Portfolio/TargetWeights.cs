using AlphaHost.Abstractions;

namespace AlphaHost.Host.Portfolio;

/// <summary>
/// One close's target book from its signals: centred signal ranks (on the whole cross-section, or within each sector),
/// optionally divided by trailing volatility and re-centred, optionally with the book's trailing beta removed, then scaled
/// to gross 1. The default (rank, no volatility scaling) is exactly the book the backtest always traded.
/// </summary>
internal static class TargetWeights
{
    /// <summary>The sector of symbols the universe file does not place; they are centred among themselves.</summary>
    public const string UnknownSector = "Unknown";

    public static Dictionary<string, double> Of(IReadOnlyDictionary<string, double> signals, MarketSnapshot? snapshot, PortfolioOptions options)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (signals.Count < 2)
        {
            return result;
        }

        var symbols = signals.Keys.ToArray();
        var scores = options.Rule == PortfolioRule.SectorNeutral && snapshot is not null
            ? SectorCentredRanks(symbols, signals, Sectors(snapshot))
            : CentredRanks(symbols.Select(s => signals[s]).ToArray());
        var groups = options.Rule == PortfolioRule.SectorNeutral && snapshot is not null ? Groups(symbols, Sectors(snapshot)) : [Enumerable.Range(0, symbols.Length).ToArray()];
        if (options.VolScaling && snapshot is not null)
        {
            var vol = TrailingRisk.Volatility(snapshot, symbols, options.RiskWindowDays);
            for (var i = 0; i < symbols.Length; i++)
            {
                scores[i] /= vol[symbols[i]];
            }

            foreach (var group in groups)
            {
                Centre(scores, group);
            }
        }

        if (options.Rule == PortfolioRule.BetaNeutral && snapshot is not null)
        {
            var beta = TrailingRisk.Beta(snapshot, symbols, options.RiskWindowDays);
            RemoveExposure(scores, symbols.Select(s => beta[s]).ToArray());
        }

        var gross = scores.Sum(Math.Abs);
        if (gross == 0 || !double.IsFinite(gross))
        {
            return result;
        }

        for (var i = 0; i < symbols.Length; i++)
        {
            result[symbols[i]] = scores[i] / gross;
        }

        return result;
    }

    /// <summary>Ranks minus their mean: the best signal the largest positive score.</summary>
    private static double[] CentredRanks(double[] values)
    {
        var ranks = CrossSection.AverageRanks(values);
        var centre = (values.Length - 1) / 2.0;
        for (var i = 0; i < ranks.Length; i++)
        {
            ranks[i] -= centre;
        }

        return ranks;
    }

    private static double[] SectorCentredRanks(string[] symbols, IReadOnlyDictionary<string, double> signals, IReadOnlyDictionary<string, string> sectors)
    {
        var scores = new double[symbols.Length];
        foreach (var group in Groups(symbols, sectors))
        {
            var ranks = CentredRanks(group.Select(i => signals[symbols[i]]).ToArray());
            for (var k = 0; k < group.Length; k++)
            {
                scores[group[k]] = ranks[k];
            }
        }

        return scores;
    }

    private static Dictionary<string, string> Sectors(MarketSnapshot snapshot) =>
        snapshot.Symbols.ToDictionary(h => h.Symbol, h => string.IsNullOrWhiteSpace(h.Info.Sector) ? UnknownSector : h.Info.Sector, StringComparer.Ordinal);

    private static int[][] Groups(string[] symbols, IReadOnlyDictionary<string, string> sectors) =>
        [.. Enumerable.Range(0, symbols.Length).GroupBy(i => sectors.GetValueOrDefault(symbols[i], UnknownSector), StringComparer.Ordinal).Select(g => g.ToArray())];

    private static void Centre(double[] scores, int[] group)
    {
        var mean = group.Average(i => scores[i]);
        foreach (var i in group)
        {
            scores[i] -= mean;
        }
    }

    /// <summary>Projects the (centred) scores off the centred exposures: afterwards both their sum and their exposure are 0.</summary>
    private static void RemoveExposure(double[] scores, double[] exposure)
    {
        var mean = exposure.Average();
        var centred = exposure.Select(e => e - mean).ToArray();
        var norm = centred.Sum(c => c * c);
        if (norm == 0)
        {
            return;
        }

        var k = scores.Zip(centred, (s, c) => s * c).Sum() / norm;
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] -= k * centred[i];
        }
    }
}
