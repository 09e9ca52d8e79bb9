using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.Momentum;

/// <summary>
/// Cross-sectional 12-1 momentum: the return from <c>lookback_days</c> ago to <c>skip_days</c> ago (skipping the
/// most recent month, where short-term reversal dominates), ranked across the universe into [-1, 1].
/// </summary>
[AlphaFamily("momentum", Settings = ["lookback_days", "skip_days", "min_symbols"])]
internal sealed class MomentumAlphaFamily : IAlphaFamily
{
    private MomentumOptions _options = MomentumOptions.Default;

    public FamilyHealth Health { get; private set; } = FamilyHealth.Ok;

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken)
    {
        Configure(context.Settings);
        return ValueTask.CompletedTask;
    }

    public void Configure(FamilySettings settings)
    {
        var lookback = settings.GetInt("lookback_days", MomentumOptions.Default.LookbackDays, min: 2, max: 2520);
        var skip = settings.GetInt("skip_days", MomentumOptions.Default.SkipDays, min: 0, max: lookback - 1);
        var minSymbols = settings.GetInt("min_symbols", MomentumOptions.Default.MinSymbols, min: 2);
        _options = new MomentumOptions(lookback, skip, minSymbols);
    }

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken)
    {
        var options = _options;
        var signals = CrossSection.RankSymbols(snapshot, options.LookbackDays + 1, history => (history.CloseAgo(options.SkipDays) / history.CloseAgo(options.LookbackDays)) - 1.0);
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

    private sealed record MomentumOptions(int LookbackDays, int SkipDays, int MinSymbols)
    {
        /// <summary>The defaults, written here only: a year of trading days, skipping the last month, at least 10 symbols.</summary>
        public static readonly MomentumOptions Default = new(LookbackDays: 252, SkipDays: 21, MinSymbols: 10);
    }
}
