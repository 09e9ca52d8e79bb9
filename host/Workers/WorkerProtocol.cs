using System.Buffers.Binary;
using AlphaHost.Abstractions;

namespace AlphaHost.Host.Workers;

/// <summary>The kinds of frame exchanged between the host and a family worker.</summary>
internal enum FrameType : byte
{
    /// <summary>Host to worker: load the plugin, construct the family, initialize it.</summary>
    Init = 1,

    /// <summary>Host to worker: apply a changed settings section.</summary>
    Configure = 2,

    /// <summary>Host to worker: the universe and the benchmark, once after start (the bars are in the market image).</summary>
    Sync = 3,

    /// <summary>Host to worker: where the cycle's histories lie in the market image, then compute.</summary>
    Compute = 4,

    /// <summary>Host to worker: the running computation's budget ran out; cancel its token.</summary>
    Cancel = 5,

    /// <summary>Host to worker: dispose the family and exit.</summary>
    Dispose = 6,

    /// <summary>Host to worker: read the family's health now (a pass without a new trading day).</summary>
    Health = 7,

    /// <summary>Worker to host: the request with the same sequence number succeeded (payload depends on the request).</summary>
    Reply = 10,

    /// <summary>Worker to host: the request with the same sequence number failed.</summary>
    Error = 11,

    /// <summary>Worker to host: a log event of the family.</summary>
    Log = 12,

    /// <summary>Worker to host: the worker's runtime is up and reads requests (sent once, before any plugin code runs).</summary>
    Hello = 13,
}

/// <summary>One frame: a type, the request's sequence number (0 for log events) and a payload.</summary>
internal readonly record struct Frame(FrameType Type, uint Sequence, byte[] Payload);

/// <summary>
/// The wire format: a little-endian <c>uint32</c> length of what follows, a type byte, a <c>uint32</c> sequence number
/// and the payload. Payloads are written with <see cref="BinaryWriter"/>; the bars themselves never travel here: workers map the
/// host's market image (<see cref="MarketImage"/>). Hand-written on purpose: the messages are few and fixed, bars are blittable, and a
/// serializer package would be one more dependency loaded into every worker beside the plugin's own.
/// </summary>
internal static class WorkerProtocol
{
    /// <summary>A frame larger than this is a broken peer, not a message (a full history of 5,000 symbols is ~600 MB less).</summary>
    public const int MaxFrameBytes = 1 << 30;

    /// <summary>
    /// The largest frame a worker may send the host: a reply is health and (position, value) pairs, a log event a few
    /// kilobytes. A length prefix beyond it is a broken or hostile worker, refused before anything is allocated for it.
    /// </summary>
    public const int MaxWorkerFrameBytes = 16 << 20;

    private const int HeaderBytes = 9;

    public static async Task WriteAsync(Stream stream, Frame frame, CancellationToken cancellationToken)
    {
        // One write per frame (header and payload together), from a pooled buffer: a cycle sends the day to every worker.
        var length = HeaderBytes + frame.Payload.Length;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)(frame.Payload.Length + 5));
        buffer[4] = (byte)frame.Type;
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(5), frame.Sequence);
        frame.Payload.CopyTo(buffer, HeaderBytes);
        await stream.WriteAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

        // Back to the pool only after a completed write: a cancelled one may still be reading it.
        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
    }

    public static void Write(Stream stream, Frame frame)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)(frame.Payload.Length + 5));
        header[4] = (byte)frame.Type;
        BinaryPrimitives.WriteUInt32LittleEndian(header[5..], frame.Sequence);
        stream.Write(header);
        stream.Write(frame.Payload);
        stream.Flush();
    }

    /// <summary>The next frame, or null at the end of the stream.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="maxBytes">The largest frame the peer may send.</param>
    /// <exception cref="InvalidDataException">The length prefix is out of range.</exception>
    public static Frame? Read(Stream stream, int maxBytes = MaxFrameBytes)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        var read = 0;
        while (read < HeaderBytes)
        {
            var n = stream.Read(header[read..]);
            if (n == 0)
            {
                return read == 0 ? null : throw new EndOfStreamException("the stream ended inside a frame header");
            }

            read += n;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length < 5 || length > maxBytes)
        {
            throw new InvalidDataException($"a frame length of {length} bytes is out of range (5 to {maxBytes})");
        }

        var payload = new byte[length - 5];
        stream.ReadExactly(payload);
        return new Frame((FrameType)header[4], BinaryPrimitives.ReadUInt32LittleEndian(header[5..]), payload);
    }

    public static byte[] Payload(Action<BinaryWriter> write)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            write(writer);
        }

        return memory.ToArray();
    }

    public static BinaryReader Reader(byte[] payload) => new(new MemoryStream(payload, writable: false), System.Text.Encoding.UTF8);

    public static void WriteSettings(BinaryWriter writer, FamilySettings settings, IReadOnlyDictionary<string, string> values)
    {
        writer.Write(settings.Path);
        writer.Write(settings.BaseDirectory ?? "");
        writer.Write(values.Count);
        foreach (var (key, value) in values)
        {
            writer.Write(key);
            writer.Write(value);
        }
    }

    public static FamilySettings ReadSettings(BinaryReader reader)
    {
        var path = reader.ReadString();
        var baseDirectory = reader.ReadString();
        var count = reader.ReadInt32();
        var values = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            values[reader.ReadString()] = reader.ReadString();
        }

        return new FamilySettings(path, values, baseDirectory.Length == 0 ? null : baseDirectory);
    }

    public static void WriteSymbol(BinaryWriter writer, SymbolInfo info)
    {
        writer.Write(info.Symbol);
        writer.Write(info.Name);
        writer.Write(info.Sector);
    }

    public static SymbolInfo ReadSymbol(BinaryReader reader) => new(reader.ReadString(), reader.ReadString(), reader.ReadString());

    public static void WriteHealth(BinaryWriter writer, FamilyHealth health)
    {
        writer.Write((byte)health.State);
        writer.Write(health.ErrorCount);
        writer.Write(health.Detail is not null);
        if (health.Detail is not null)
        {
            writer.Write(health.Detail);
        }

        writer.Write(health.ServingModels ?? -1);
        writer.Write(health.ModelVersion is not null);
        if (health.ModelVersion is not null)
        {
            writer.Write(health.ModelVersion);
        }

        writer.Write(health.ModelContent is not null);
        if (health.ModelContent is not null)
        {
            writer.Write(health.ModelContent);
        }

        writer.Write(health.FeatureDrift?.Count ?? -1);
        foreach (var (feature, psi) in health.FeatureDrift ?? [])
        {
            writer.Write(feature);
            writer.Write(psi);
        }
    }

    public static FamilyHealth ReadHealth(BinaryReader reader)
    {
        var state = (FamilyState)reader.ReadByte();
        var errors = reader.ReadInt64();
        var detail = reader.ReadBoolean() ? reader.ReadString() : null;
        var models = reader.ReadInt32();
        var version = reader.ReadBoolean() ? reader.ReadString() : null;
        var content = reader.ReadBoolean() ? reader.ReadString() : null;
        var driftCount = reader.ReadInt32();
        KeyValuePair<string, double>[]? drift = null;
        if (driftCount >= 0)
        {
            drift = new KeyValuePair<string, double>[driftCount];
            for (var i = 0; i < driftCount; i++)
            {
                drift[i] = new(reader.ReadString(), reader.ReadDouble());
            }
        }

        return new FamilyHealth(Enum.IsDefined(state) ? state : FamilyState.Degraded, errors, detail)
        {
            ServingModels = models < 0 ? null : models,
            ModelVersion = version,
            ModelContent = content,
            FeatureDrift = drift,
        };
    }
}
