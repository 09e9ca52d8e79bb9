namespace AlphaHost.Host.Backtest;

/// <summary>How signals become positions and what the acceptance gate asks (the runbook's criteria by default).</summary>
internal sealed record BacktestOptions
{
    /// <summary>Transaction cost per unit of turnover, in basis points.</summary>
    /// <value>The default value is 5.</value>
    public double CostBasisPoints { get; init; } = 5;

    /// <summary>Sharpe ratio the strategy must exceed.</summary>
    /// <value>The default value is 1.0.</value>
    public double MinSharpe { get; init; } = 1.0;

    /// <summary>Maximum drawdown the strategy must stay below (a fraction).</summary>
    /// <value>The default value is 0.20.</value>
    public double MaxDrawdown { get; init; } = 0.20;

    /// <summary>Run even when the window overlaps a model's training data (the report then fails the gate and says so).</summary>
    public bool AllowOverlap { get; init; }

    /// <summary>Configurations tried before settling on this one (the deflated Sharpe ratio's N; 1 = none other, no deflation).</summary>
    /// <value>The default value is 1.</value>
    public int Trials { get; init; } = 1;
}
