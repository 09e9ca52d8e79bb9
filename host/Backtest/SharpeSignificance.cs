using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace AlphaHost.Host.Backtest;

/// <summary>
/// How much a daily return series' Sharpe ratio can be believed. <see cref="Probabilistic"/> is the probabilistic Sharpe ratio
/// of Bailey and López de Prado (2012) against a benchmark Sharpe of 0: the probability that the true Sharpe is above 0
/// given the estimate, the number of days and the skewness and kurtosis of the returns,
/// PSR(SR*) = Φ((SR - SR*) √(T - 1) / √(1 - γ3 SR + (γ4 - 1) / 4 SR²)), all in daily units. <see cref="Deflated"/> is
/// their deflated Sharpe ratio (2014): the PSR against the Sharpe the best of N zero-skill trials would show,
/// SR0 = √V ((1 - γ) Φ⁻¹(1 - 1/N) + γ Φ⁻¹(1 - 1/(N e))), γ the Euler-Mascheroni constant. One run does not see the
/// other trials, so V, the variance of their Sharpe estimates, is taken as the sampling variance of a zero-skill daily
/// Sharpe over the same T days, 1 / (T - 1); trials that resemble each other are fewer independent ones than N, so the
/// deflation is on the severe side. With N = 1 there is nothing to deflate: <see cref="Deflated"/> is null.
/// </summary>
/// <param name="Sharpe">Annualized Sharpe (√252 × daily), as in the report's performance table.</param>
/// <param name="DailySharpe">Mean / standard deviation (n - 1) of the daily returns.</param>
/// <param name="Skewness">Skewness γ3 of the daily returns (population moments).</param>
/// <param name="Kurtosis">Kurtosis γ4 of the daily returns (population moments, not excess: 3 for a normal distribution).</param>
/// <param name="Days">T, the number of daily returns.</param>
/// <param name="Probabilistic">PSR against a Sharpe of 0.</param>
/// <param name="Trials">N, the configurations tried.</param>
/// <param name="ExpectedMaxDailySharpe">SR0, the daily Sharpe expected of the best of N zero-skill trials; null for N = 1.</param>
/// <param name="Deflated">DSR = PSR(SR0); null for N = 1 (not applicable).</param>
internal sealed record SharpeSignificance(double Sharpe, double DailySharpe, double Skewness, double Kurtosis, int Days, double Probabilistic, int Trials,
    double? ExpectedMaxDailySharpe, double? Deflated)
{
    private const double EulerMascheroni = 0.5772156649015329;

    public static SharpeSignificance Of(IReadOnlyList<double> returns, int trials)
    {
        var days = returns.Count;
        var std = Stats.StdDev(returns);
        var sharpe = std > 0 ? Stats.Mean(returns) / std : double.NaN;
        var skewness = days >= 2 ? returns.PopulationSkewness() : double.NaN;

        // MathNet's population kurtosis is the excess over the normal's 3; the formula wants the kurtosis itself.
        var kurtosis = days >= 3 ? returns.PopulationKurtosis() + 3 : double.NaN;
        double? expectedMax = trials > 1 ? ExpectedMaxSharpe(trials, 1.0 / (days - 1)) : null;
        return new SharpeSignificance(sharpe * Math.Sqrt(Stats.TradingDays), sharpe, skewness, kurtosis, days,
            ProbabilisticAgainst(sharpe, 0, days, skewness, kurtosis), trials, expectedMax,
            expectedMax is { } benchmark ? ProbabilisticAgainst(sharpe, benchmark, days, skewness, kurtosis) : null);
    }

    /// <summary>PSR: the probability that the true daily Sharpe exceeds <paramref name="benchmark"/> given the estimate <paramref name="sharpe"/>.</summary>
    public static double ProbabilisticAgainst(double sharpe, double benchmark, int days, double skewness, double kurtosis)
    {
        var variance = 1 - (skewness * sharpe) + ((kurtosis - 1) / 4 * sharpe * sharpe);
        return days < 2 || !(variance > 0) ? double.NaN : Normal.CDF(0, 1, (sharpe - benchmark) * Math.Sqrt(days - 1) / Math.Sqrt(variance));
    }

    /// <summary>The expected maximum of <paramref name="trials"/> zero-mean Sharpe estimates of variance <paramref name="variance"/>.</summary>
    public static double ExpectedMaxSharpe(int trials, double variance) =>
        Math.Sqrt(variance) * (((1 - EulerMascheroni) * Normal.InvCDF(0, 1, 1 - (1.0 / trials)))
            + (EulerMascheroni * Normal.InvCDF(0, 1, 1 - (1.0 / (trials * Math.E)))));
}
