namespace AlphaHost.Plugins.MlAlpha.Governance;

/// <summary>The <c>ml.governance</c> settings.</summary>
/// <param name="MaxFailures">Model failures within <paramref name="Window"/> that disable the model; default 3.</param>
/// <param name="Window">The sliding window failures are counted in; default 5 minutes.</param>
internal sealed record GovernanceOptions(int MaxFailures, TimeSpan Window)
{
    public static GovernanceOptions Default { get; } = new(3, TimeSpan.FromMinutes(5));
}
