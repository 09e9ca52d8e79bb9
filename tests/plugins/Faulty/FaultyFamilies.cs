using AlphaHost.Abstractions;
using Microsoft.Extensions.Logging;

namespace AlphaHost.TestPlugins.Faulty;

/// <summary>Throws on every cycle.</summary>
[AlphaFamily("throwing")]
public sealed class ThrowingFamily : IAlphaFamily
{
    public FamilyHealth Health => FamilyHealth.Ok;

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public void Configure(FamilySettings settings)
    {
    }

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"throwing family fails on purpose in cycle {snapshot.Cycle}");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Blocks its thread forever and ignores cancellation.</summary>
[AlphaFamily("hanging")]
public sealed class HangingFamily : IAlphaFamily
{
    public FamilyHealth Health => FamilyHealth.Ok;

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public void Configure(FamilySettings settings)
    {
    }

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken)
    {
        Thread.Sleep(Timeout.Infinite);
        return ValueTask.FromResult(FamilySignals.Empty);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Emits NaN, infinities, out-of-range values and symbols that are not in the snapshot, and says so in its log.</summary>
[AlphaFamily("garbage_values")]
public sealed class GarbageValuesFamily(ILogger<GarbageValuesFamily> logger) : IAlphaFamily
{
    public FamilyHealth Health => FamilyHealth.Ok;

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public void Configure(FamilySettings settings)
    {
    }

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken)
    {
        logger.LogWarning("Emitting garbage for {Count} symbols in cycle {Cycle}", snapshot.Symbols.Count, snapshot.Cycle);
        var signals = new Dictionary<string, double> { ["NOT_A_SYMBOL"] = 0.5 };
        for (var i = 0; i < snapshot.Symbols.Count; i++)
        {
            signals[snapshot.Symbols[i].Symbol] = (i % 3) switch { 0 => double.NaN, 1 => double.PositiveInfinity, _ => 5.0 };
        }

        return ValueTask.FromResult(new FamilySignals(signals));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Allocates without bound in every cycle and ignores cancellation, until the runtime refuses (heap hard limit).</summary>
[AlphaFamily("hungry")]
public sealed class HungryFamily : IAlphaFamily
{
    public FamilyHealth Health => FamilyHealth.Ok;

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public void Configure(FamilySettings settings)
    {
    }

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken)
    {
        var hoard = new List<byte[]>();
        while (true)
        {
            var block = new byte[8 << 20];
            Array.Fill(block, (byte)1);
            hoard.Add(block);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
