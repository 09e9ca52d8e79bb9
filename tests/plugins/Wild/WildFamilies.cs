using System.Collections;
using System.Runtime.InteropServices;
using AlphaHost.Abstractions;

namespace AlphaHost.TestPlugins.Wild;

/// <summary>
/// What careless plugin code does to a host, one family per fault. Each behaves well for its first cycles (so the
/// test sees it start) and turns bad from cycle <see cref="WildFamily.BadFrom"/> of its own calls on.
/// </summary>
public abstract class WildFamily : IAlphaFamily
{
    public const int BadFrom = 3;

    private int _calls;

    public virtual FamilyHealth Health => FamilyHealth.Ok;

    public virtual ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public virtual void Configure(FamilySettings settings)
    {
    }

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (++_calls >= BadFrom)
        {
            Misbehave(snapshot);
        }

        return ValueTask.FromResult(Signals(snapshot));
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected bool IsBad => _calls >= BadFrom;

    protected abstract void Misbehave(MarketSnapshot snapshot);

    protected virtual FamilySignals Signals(MarketSnapshot snapshot) => new(snapshot.Symbols.ToDictionary(s => s.Symbol, _ => 0.25));
}

[AlphaFamily("thread_throw")]
public sealed class ThreadThrowFamily : WildFamily
{
    protected override void Misbehave(MarketSnapshot snapshot) => new Thread(() => throw new InvalidOperationException("thrown on a plugin thread")).Start();
}

[AlphaFamily("timer_throw")]
public sealed class TimerThrowFamily : WildFamily
{
    private Timer? _timer;

    protected override void Misbehave(MarketSnapshot snapshot) =>
        _timer ??= new Timer(_ => throw new InvalidOperationException("thrown in a Timer callback"), null, 0, Timeout.Infinite);
}

[AlphaFamily("async_void")]
public sealed class AsyncVoidFamily : WildFamily
{
    protected override void Misbehave(MarketSnapshot snapshot) => Explode();

    private static async void Explode()
    {
        await Task.Yield();
        throw new InvalidOperationException("thrown from async void");
    }
}

[AlphaFamily("fail_fast")]
public sealed class FailFastFamily : WildFamily
{
    protected override void Misbehave(MarketSnapshot snapshot) => Environment.FailFast("plugin calls FailFast");
}

[AlphaFamily("exit_zero")]
public sealed class ExitZeroFamily : WildFamily
{
    protected override void Misbehave(MarketSnapshot snapshot) => Environment.Exit(0);
}

[AlphaFamily("stack_overflow")]
public sealed class StackOverflowFamily : WildFamily
{
    protected override void Misbehave(MarketSnapshot snapshot) => Recurse(1);

    private static int Recurse(int depth) => Recurse(depth + 1) + depth;
}

[AlphaFamily("blocking_health")]
public sealed class BlockingHealthFamily : WildFamily
{
    public override FamilyHealth Health
    {
        get
        {
            if (IsBad)
            {
                Thread.Sleep(Timeout.Infinite);
            }

            return FamilyHealth.Ok;
        }
    }

    protected override void Misbehave(MarketSnapshot snapshot)
    {
    }
}

[AlphaFamily("blocking_configure")]
public sealed class BlockingConfigureFamily : WildFamily
{
    private bool _initialized;

    public override ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken)
    {
        _initialized = true;
        return ValueTask.CompletedTask;
    }

    public override void Configure(FamilySettings settings)
    {
        if (_initialized)
        {
            Thread.Sleep(Timeout.Infinite);
        }
    }

    protected override void Misbehave(MarketSnapshot snapshot)
    {
    }
}

[AlphaFamily("blocking_dispose")]
public sealed class BlockingDisposeFamily : WildFamily
{
    public override ValueTask DisposeAsync()
    {
        Thread.Sleep(Timeout.Infinite);
        return ValueTask.CompletedTask;
    }

    protected override void Misbehave(MarketSnapshot snapshot)
    {
    }
}

[AlphaFamily("blocking_dictionary")]
public sealed class BlockingDictionaryFamily : WildFamily
{
    protected override void Misbehave(MarketSnapshot snapshot)
    {
    }

    protected override FamilySignals Signals(MarketSnapshot snapshot) => IsBad ? new FamilySignals(new BlockingDictionary()) : base.Signals(snapshot);

    private sealed class BlockingDictionary : IReadOnlyDictionary<string, double>
    {
        public double this[string key] => 0;

        public IEnumerable<string> Keys => [];

        public IEnumerable<double> Values => [];

        public int Count => 1;

        public bool ContainsKey(string key) => false;

        public bool TryGetValue(string key, out double value)
        {
            value = 0;
            return false;
        }

        public IEnumerator<KeyValuePair<string, double>> GetEnumerator()
        {
            Thread.Sleep(Timeout.Infinite);
            yield break;
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

[AlphaFamily("blocking_constructor")]
public sealed class BlockingConstructorFamily : WildFamily
{
    public BlockingConstructorFamily() => Thread.Sleep(Timeout.Infinite);

    protected override void Misbehave(MarketSnapshot snapshot)
    {
    }
}

[AlphaFamily("thread_hog")]
public sealed class ThreadHogFamily : WildFamily
{
    protected override void Misbehave(MarketSnapshot snapshot)
    {
        for (var i = 0; i < 200; i++)
        {
            new Thread(() =>
            {
                var end = Environment.TickCount64 + 2000;
                while (Environment.TickCount64 < end)
                {
                }
            }) { IsBackground = true }.Start();
        }
    }
}

[AlphaFamily("pool_hog")]
public sealed class PoolHogFamily : WildFamily
{
    protected override void Misbehave(MarketSnapshot snapshot)
    {
        for (var i = 0; i < 64; i++)
        {
            ThreadPool.QueueUserWorkItem(_ => Thread.Sleep(Timeout.Infinite));
        }
    }
}

[AlphaFamily("bar_writer")]
public sealed class BarWriterFamily : WildFamily
{
    protected override void Misbehave(MarketSnapshot snapshot)
    {
        foreach (var symbol in snapshot.Symbols.Append(snapshot.Benchmark))
        {
            // Through the array behind the memory when there is one, else by casting the read-only memory to writable.
            if (MemoryMarshal.TryGetArray(symbol.Bars, out var segment))
            {
                var array = segment.Array!;
                for (var i = segment.Offset; i < segment.Offset + segment.Count; i++)
                {
                    array[i] = array[i] with { Date = new DateOnly(2999, 12, 31), Close = double.NaN };
                }
            }
            else
            {
                var bars = MemoryMarshal.AsMemory(symbol.Bars).Span;
                for (var i = 0; i < bars.Length; i++)
                {
                    bars[i] = bars[i] with { Date = new DateOnly(2999, 12, 31), Close = double.NaN };
                }
            }
        }
    }
}

[AlphaFamily("retained_memory")]
public sealed class RetainedMemoryFamily : WildFamily
{
    private readonly List<byte[]> _kept = [];

    protected override void Misbehave(MarketSnapshot snapshot)
    {
        for (var i = 0; i < 16; i++)
        {
            var block = new byte[16 << 20];
            Array.Fill(block, (byte)1);
            _kept.Add(block);
        }
    }
}

[AlphaFamily("native_memory")]
public sealed class NativeMemoryFamily : WildFamily
{
    protected override unsafe void Misbehave(MarketSnapshot snapshot)
    {
        for (var i = 0; i < 16; i++)
        {
            var block = (byte*)NativeMemory.Alloc(16 << 20);
            if (block is null)
            {
                throw new OutOfMemoryException("native allocation refused");
            }

            new Span<byte>(block, 16 << 20).Fill(1);
        }
    }
}

[AlphaFamily("slow_init")]
public sealed class SlowInitFamily : WildFamily
{
    public override async ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken) =>
        await Task.Delay(TimeSpan.FromSeconds(9), CancellationToken.None);

    protected override void Misbehave(MarketSnapshot snapshot)
    {
    }
}
