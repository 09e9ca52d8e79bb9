using AlphaHost.Abstractions;

namespace AlphaHost.TestPlugins.FutureContract;

/// <summary>A family built against plugin contract v2.</summary>
[AlphaFamily("future")]
public sealed class FutureFamily : IAlphaFamily
{
    public FamilyHealth Health => FamilyHealth.Ok;

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public void Configure(FamilySettings settings)
    {
    }

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken) => ValueTask.FromResult(FamilySignals.Empty);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
