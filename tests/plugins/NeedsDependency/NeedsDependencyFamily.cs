using AlphaHost.Abstractions;
using AlphaHost.TestPlugins.FixtureDependency;

namespace AlphaHost.TestPlugins.NeedsDependency;

/// <summary>Uses its own dependency at initialization, so a plugin folder without it fails to load.</summary>
[AlphaFamily("needs_dependency")]
public sealed class NeedsDependencyFamily : IAlphaFamily
{
    private double _value;

    public FamilyHealth Health => FamilyHealth.Ok;

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken)
    {
        _value = FixtureValue.Value;
        return ValueTask.CompletedTask;
    }

    public void Configure(FamilySettings settings)
    {
    }

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new FamilySignals(snapshot.Symbols.ToDictionary(s => s.Symbol, _ => _value)));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
