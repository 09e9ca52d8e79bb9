using AlphaHost.Abstractions;

namespace AlphaHost.TestPlugins.FailingInit;

/// <summary>Fails to initialize as its setting <c>failure</c> says: <c>throw</c>, or <c>hang</c> (blocks, ignoring cancellation).</summary>
[AlphaFamily("failing_init")]
public sealed class FailingInitFamily : IAlphaFamily
{
    public FamilyHealth Health => FamilyHealth.Ok;

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken)
    {
        if (context.Settings.GetString("failure", "throw") == "hang")
        {
            Thread.Sleep(Timeout.Infinite);
        }

        throw new InvalidOperationException("cannot open my model store");
    }

    public void Configure(FamilySettings settings) => settings.GetString("failure", "throw");

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken) => ValueTask.FromResult(FamilySignals.Empty);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
