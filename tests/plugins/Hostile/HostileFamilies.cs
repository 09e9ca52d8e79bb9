using System.Buffers.Binary;
using AlphaHost.Abstractions;

namespace AlphaHost.TestPlugins.Hostile;

/// <summary>
/// What a hostile plugin author can do to the channels between a worker and the host, one family per attack. Each
/// signals normally for its first calls (so the test sees it start and the host settle) and attacks from call
/// <c>attack_from</c> of its own (setting, default 3) on.
/// </summary>
public abstract class HostileFamily : IAlphaFamily
{
    private int _calls;
    private int _attackFrom = 3;

    public FamilyHealth Health => FamilyHealth.Ok;

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken)
    {
        Configure(context.Settings);
        return ValueTask.CompletedTask;
    }

    public void Configure(FamilySettings settings) => _attackFrom = settings.GetInt("attack_from", 3, min: 1);

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (++_calls == _attackFrom)
        {
            Attack();
        }

        return ValueTask.FromResult(new FamilySignals(snapshot.Symbols.ToDictionary(s => s.Symbol, _ => 0.25)));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected abstract void Attack();

    /// <summary>
    /// The worker's protocol runs over its standard output: the runtime points <c>Console.Out</c> at standard error, but
    /// the file descriptor itself is one call away for any plugin.
    /// </summary>
    protected static void WriteToProtocolPipe(ReadOnlySpan<byte> bytes)
    {
        using var stdout = Console.OpenStandardOutput();
        stdout.Write(bytes);
        stdout.Flush();
    }

    protected static void Forever(Action write) => new Thread(() =>
    {
        while (true)
        {
            write();
        }
    })
    { IsBackground = true, Name = "hostile-writer" }.Start();
}

/// <summary>A background thread writes 1 MiB chunks to standard error without ever writing a newline.</summary>
[AlphaFamily("stderr_flood")]
public sealed class StderrFloodFamily : HostileFamily
{
    private static readonly string Chunk = new('x', 1 << 20);

    protected override void Attack() => Forever(() => Console.Error.Write(Chunk));
}

/// <summary>A background thread writes short lines to <c>Console.Out</c> as fast as it can.</summary>
[AlphaFamily("stdout_flood")]
public sealed class StdoutFloodFamily : HostileFamily
{
    protected override void Attack()
    {
        var line = 0L;
        Forever(() => Console.Out.WriteLine($"flood line {++line}: the quick brown fox jumps over the lazy dog"));
    }
}

/// <summary>Writes a frame header announcing a 2 GiB frame on the protocol pipe, and nothing after it.</summary>
[AlphaFamily("huge_frame")]
public sealed class HugeFrameFamily : HostileFamily
{
    protected override void Attack()
    {
        Span<byte> header = stackalloc byte[9];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 2u << 30);
        header[4] = 10;
        BinaryPrimitives.WriteUInt32LittleEndian(header[5..], 1);
        WriteToProtocolPipe(header);
    }
}

/// <summary>Writes a well-sized frame of a type no worker sends, then text, on the protocol pipe.</summary>
[AlphaFamily("protocol_garbage")]
public sealed class ProtocolGarbageFamily : HostileFamily
{
    protected override void Attack()
    {
        WriteToProtocolPipe([5, 0, 0, 0, 0xEE, 0, 0, 0, 0]);
        WriteToProtocolPipe("hostile garbage on the protocol pipe\n"u8);
    }
}
