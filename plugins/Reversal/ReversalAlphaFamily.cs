using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.Reversal;

/// <summary>
/// Short-term reversal: the return over the last <c>lookback_days</c> (5 by default), ranked across the universe
/// and negated, so the week's losers get positive signals and its winners negative ones.
/// </summary>
[AlphaFamily("reversal", Settings = ["lookback_days", "min_symbols"])]
internal sealed class ReversalAlphaFamily : IAlphaFamily
{
    private ReversalOptions _options = ReversalOptions.Default;

    public FamilyHealth Health { get; private set; } = FamilyHealth.Ok;

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken)
    {
        Configure(context.Settings);
        return ValueTask.CompletedTask;
    }

    public void Configure(FamilySettings settings)
    {
        _options = new ReversalOptions(
            settings.GetInt("lookback_days", ReversalOptions.Default.LookbackDays, min: 1, max: 60),
            settings.GetInt("min_symbols", ReversalOptions.Default.MinSymbols, min: 2));
    }

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken)
    {
        var options = _options;
        var signals = CrossSection.RankSymbols(snapshot, options.LookbackDays + 1, history => -((history.CloseAgo(0) / history.CloseAgo(options.LookbackDays)) - 1.0));
        if (signals.Count < options.MinSymbols)
        {
            Health = new FamilyHealth(FamilyState.Degraded, Health.ErrorCount,
                $"{signals.Count} symbols have {options.LookbackDays + 1} bars of history; need {options.MinSymbols}");
            return ValueTask.FromResult(FamilySignals.Empty);
        }

        Health = new FamilyHealth(FamilyState.Ok, Health.ErrorCount, $"ranked={signals.Count}");
        return ValueTask.FromResult(new FamilySignals(signals));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed record ReversalOptions(int LookbackDays, int MinSymbols)
    {
        /// <summary>The defaults, written here only: a trading week, at least 10 symbols.</summary>
        public static readonly ReversalOptions Default = new(LookbackDays: 5, MinSymbols: 10);
    }
}
