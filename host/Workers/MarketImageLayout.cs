using System.Buffers.Binary;

namespace AlphaHost.Host.Workers;

/// <summary>
/// The market image file: a 64-byte header (magic <c>AHMI</c>, format version, generation, slots, bars per slot), then
/// the slots, each <c>capacity</c> raw 48-byte <see cref="Abstractions.Bar"/> structs: slot 0 the benchmark, slot
/// <c>1 + p</c> the symbol at universe position <c>p</c>. How many bars of a slot a cycle sees travels in its compute request.
/// </summary>
internal static class MarketImageLayout
{
    public const int HeaderBytes = 64;

    private const uint Magic = 0x494D4841;
    private const int Version = 1;

    public static void WriteHeader(Span<byte> header, long generation, int slots, int capacity)
    {
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], generation);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], slots);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], capacity);
    }

    /// <summary>Null when the header is the one expected, else what differs.</summary>
    public static string? Mismatch(ReadOnlySpan<byte> header, long generation, int slots, int capacity)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic || BinaryPrimitives.ReadInt32LittleEndian(header[4..]) != Version)
        {
            return "not a market image of this version";
        }

        var (g, s, c) = (BinaryPrimitives.ReadInt64LittleEndian(header[8..]), BinaryPrimitives.ReadInt32LittleEndian(header[16..]), BinaryPrimitives.ReadInt32LittleEndian(header[20..]));
        return g == generation && s == slots && c == capacity ? null : $"generation {g} of {s} slots x {c} bars, expected generation {generation} of {slots} x {capacity}";
    }
}
