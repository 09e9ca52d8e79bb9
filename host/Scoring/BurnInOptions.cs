namespace AlphaHost.Host.Scoring;

/// <summary>The limits a burn-in is held to.</summary>
internal sealed record BurnInOptions
{
    /// <summary>Scored days the current model version must have served.</summary>
    /// <value>The default value is 20.</value>
    public int MinDays { get; init; } = 20;

    /// <summary>Model errors allowed during the burn-in.</summary>
    /// <value>The default value is 0.</value>
    public long MaxModelErrors { get; init; }

    /// <summary>Significance level of the one-sided test of the live rank IC against the backtest's.</summary>
    /// <value>The default value is 0.05.</value>
    public double Alpha { get; init; } = 0.05;
}
