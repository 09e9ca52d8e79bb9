using AlphaHost.Abstractions;

namespace AlphaHost.Host.Backtest;

/// <summary>The statistics of a backtest report.</summary>
internal static class Stats
{
    public const double TradingDays = 252.0;

    public static double Mean(IReadOnlyList<double> x) => x.Count == 0 ? double.NaN : x.Average();

    public static double StdDev(IReadOnlyList<double> x)
    {
        if (x.Count < 2)
        {
            return double.NaN;
        }

        var mean = x.Average();
        return Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Count - 1));
    }

    /// <summary>Compounded equity from daily returns, starting at 1.</summary>
    public static double[] Equity(IReadOnlyList<double> returns)
    {
        var equity = new double[returns.Count];
        var level = 1.0;
        for (var i = 0; i < returns.Count; i++)
        {
            level *= 1 + returns[i];
            equity[i] = level;
        }

        return equity;
    }

    /// <summary>Drawdown from the running peak at each point (0 or negative), the peak starting at 1.</summary>
    public static double[] Drawdown(IReadOnlyList<double> equity)
    {
        var drawdown = new double[equity.Count];
        var peak = 1.0;
        for (var i = 0; i < equity.Count; i++)
        {
            peak = Math.Max(peak, equity[i]);
            drawdown[i] = (equity[i] / peak) - 1;
        }

        return drawdown;
    }

    /// <summary>Annualized return (arithmetic, 252 days), volatility, Sharpe (no risk-free rate) and maximum drawdown (positive fraction).</summary>
    public static Performance Performance(IReadOnlyList<double> returns)
    {
        var mean = Mean(returns);
        var sd = StdDev(returns);
        var equity = Equity(returns);
        var annualReturn = mean * TradingDays;
        var annualVol = sd * Math.Sqrt(TradingDays);
        return new Performance(annualReturn, annualVol, annualVol > 0 ? annualReturn / annualVol : double.NaN,
            equity.Length == 0 ? 0 : -Drawdown(equity).Min(), equity.Length == 0 ? 0 : equity[^1] - 1);
    }
}

/// <summary>A return series' headline figures.</summary>
internal sealed record Performance(double AnnualizedReturn, double AnnualizedVolatility, double Sharpe, double MaxDrawdown, double TotalReturn);
