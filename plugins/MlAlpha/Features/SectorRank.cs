using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.MlAlpha.Features;

/// <summary>
/// <c>cross_rank_sector</c>: the percentile rank (0..1) of each symbol's <c>ret_20d</c> within its sector on one day,
/// (rank - 1) / (n - 1) with ties at their average rank, 0.5 for a symbol alone in its sector. Symbols without a
/// finite <c>ret_20d</c> get NaN and are not counted. Used by the batch pipeline and the live cycle alike.
/// </summary>
internal static class SectorRank
{
    public const string FeatureName = "cross_rank_sector";

    public static Dictionary<string, double> Assign(IEnumerable<(string Symbol, string Sector, double Ret20)> rows)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var sector in rows.GroupBy(r => r.Sector, StringComparer.Ordinal))
        {
            var members = sector.Where(r => double.IsFinite(r.Ret20)).ToArray();
            foreach (var missing in sector.Where(r => !double.IsFinite(r.Ret20)))
            {
                result[missing.Symbol] = double.NaN;
            }

            if (members.Length == 1)
            {
                result[members[0].Symbol] = 0.5;
                continue;
            }

            var ranks = CrossSection.AverageRanks(members.Select(m => m.Ret20).ToArray());
            for (var k = 0; k < members.Length; k++)
            {
                result[members[k].Symbol] = ranks[k] / (members.Length - 1);
            }
        }

        return result;
    }
}
