using AlphaHost.Abstractions;

namespace AlphaHost.TestPlugins;

/// <summary>Family "swap", built in two versions with different constant signals, for hot-reload tests.</summary>
[AlphaFamily("swap")]
public sealed class SwapFamily : IAlphaFamily
{
#if SWAP_V2
    public const double Value = 0.2;
#else
    public const double Value = 0.1;
#endif

    public FamilyHealth Health => new(FamilyState.Ok, 0, $"value={Value}");

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public void Configure(FamilySettings settings)
    {
    }

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new FamilySignals(snapshot.Symbols.ToDictionary(s => s.Symbol, _ => Value)));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
