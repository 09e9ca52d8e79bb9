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

/// <summary>
/// Healthy most of the time, with faults on a fixed cycle schedule for soak runs: throws (every 97th cycle), overruns
/// its budget (every 251st, sleeping <c>hang_ms</c>), emits non-finite values (every 499th) and allocates a burst of
/// <c>burst_mb</c> it then drops (every 1009th), and, with <c>crash_every: N</c>, kills its process with
/// <c>Environment.FailFast</c> every Nth cycle (a worker crash; never set it with <c>isolation: in_process</c>).
/// Each injection is logged with "chaos: injecting".
/// </summary>
[AlphaFamily("chaos")]
public sealed class ChaosFamily(ILogger<ChaosFamily> logger) : IAlphaFamily
{
    private int _hangMs = 300;
    private int _burstMb = 256;
    private int _crashEvery;

    public FamilyHealth Health => FamilyHealth.Ok;

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken)
    {
        Configure(context.Settings);
        return ValueTask.CompletedTask;
    }

    public void Configure(FamilySettings settings)
    {
        _hangMs = settings.GetInt("hang_ms", 300, 1, 60_000);
        _burstMb = settings.GetInt("burst_mb", 256, 1, 4096);
        _crashEvery = settings.GetInt("crash_every", 0, 0, int.MaxValue);
    }

    public async ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken)
    {
        var cycle = snapshot.Cycle;
        if (_crashEvery > 0 && cycle % _crashEvery == 0)
        {
            logger.LogWarning("chaos: injecting a process crash (FailFast) in cycle {Cycle}", cycle);
            Environment.FailFast($"chaos crash in cycle {cycle}");
        }

        if (cycle % 97 == 0)
        {
            logger.LogWarning("chaos: injecting an exception in cycle {Cycle}", cycle);
            throw new InvalidOperationException($"chaos exception in cycle {cycle}");
        }

        if (cycle % 251 == 0)
        {
            logger.LogWarning("chaos: injecting a {HangMs} ms overrun in cycle {Cycle}", _hangMs, cycle);
            await Task.Delay(_hangMs, CancellationToken.None);
        }

        var value = 0.1;
        if (cycle % 499 == 0)
        {
            logger.LogWarning("chaos: injecting non-finite values in cycle {Cycle}", cycle);
            value = double.NaN;
        }

        if (cycle % 1009 == 0)
        {
            logger.LogWarning("chaos: injecting a {BurstMb} MB allocation burst in cycle {Cycle}", _burstMb, cycle);
            var burst = new byte[_burstMb][];
            for (var i = 0; i < burst.Length; i++)
            {
                burst[i] = new byte[1 << 20];
                burst[i][^1] = 1;
            }

            GC.KeepAlive(burst);
        }

        var signals = new Dictionary<string, double>(snapshot.Symbols.Count);
        foreach (var symbol in snapshot.Symbols)
        {
            signals[symbol.Symbol] = value;
        }

        return new FamilySignals(signals);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
