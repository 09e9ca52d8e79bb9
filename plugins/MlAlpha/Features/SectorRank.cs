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
            var members = sector.ToArray();
            var ranks = new double[members.Length];
            RankGroup(members.Select(m => m.Ret20).ToArray(), ranks);
            for (var k = 0; k < members.Length; k++)
            {
                result[members[k].Symbol] = ranks[k];
            }
        }

        return result;
    }

    /// <summary>
    /// <c>ret_20d_sector_rel</c> for one sector's members: each member's <c>ret_20d</c> minus the mean <c>ret_20d</c> of the
    /// members with a finite one (itself included; 0 for a member alone), NaN where its own is not finite.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void RelativeGroup(ReadOnlySpan<double> ret20, Span<double> result)
    {
        var sum = 0.0;
        var n = 0;
        foreach (var value in ret20)
        {
            if (double.IsFinite(value))
            {
                sum += value;
                n++;
            }
        }

        var mean = sum / n;
        for (var i = 0; i < ret20.Length; i++)
        {
            result[i] = double.IsFinite(ret20[i]) ? ret20[i] - mean : double.NaN;
        }
    }

    /// <summary>The rule for one sector's members: <paramref name="result"/>[i] is member i's percentile rank, or NaN.</summary>
    /// <param name="ret20">The members' <c>ret_20d</c>.</param>
    /// <param name="result">Receives the ranks, in the same order.</param>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void RankGroup(ReadOnlySpan<double> ret20, Span<double> result)
    {
        Span<double> finite = ret20.Length <= 256 ? stackalloc double[ret20.Length] : new double[ret20.Length];
        var n = 0;
        foreach (var value in ret20)
        {
            if (double.IsFinite(value))
            {
                finite[n++] = value;
            }
        }

        Span<double> ranks = n <= 256 ? stackalloc double[n] : new double[n];
        CrossSection.AverageRanks(finite[..n], ranks);
        var k = 0;
        for (var i = 0; i < ret20.Length; i++)
        {
            result[i] = !double.IsFinite(ret20[i]) ? double.NaN
                : n == 1 ? 0.5
                : ranks[k++] / (n - 1);
        }
    }
}
