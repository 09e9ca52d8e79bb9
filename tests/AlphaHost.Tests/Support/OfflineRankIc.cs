namespace AlphaHost.Tests.Support;

/// <summary>
/// A rank IC computed the plain way, independently of the host's <c>Stats</c> and <c>CrossSection</c>: ranks by sorting
/// (the sample market's prices have no ties), then Pearson's formula on the ranks. What the live-score tests compare to.
/// </summary>
internal static class OfflineRankIc
{
    public static double Of(double[] x, double[] y) => Pearson(Ranks(x), Ranks(y));

    /// <summary>Ranks 1..n by sorting.</summary>
    private static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (var r = 0; r < order.Length; r++)
        {
            ranks[order[r]] = r + 1;
        }

        return ranks;
    }

    private static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        var cov = x.Select((v, i) => (v - mx) * (y[i] - my)).Sum();
        return cov / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
    }
}
