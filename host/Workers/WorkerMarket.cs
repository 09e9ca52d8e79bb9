using System.Runtime.InteropServices;
using AlphaHost.Abstractions;

namespace AlphaHost.Host.Workers;

/// <summary>
/// The market as a worker sees it: the universe the host sent once, and each cycle a snapshot whose histories are
/// slices of the host's market image, mapped read-only (<see cref="MappedMarket"/>), never copies.
/// </summary>
internal sealed class WorkerMarket
{
    private SymbolInfo? _benchmark;
    private SymbolInfo[] _universe = [];
    private Dictionary<string, int> _positions = new(StringComparer.Ordinal);
    private MappedMarket? _image;

    /// <summary>The generation mapped now (0 before the first cycle).</summary>
    public long Generation => _image?.Generation ?? 0;

    /// <summary>The universe in the host's order of positions, and the benchmark: the names the image's slots stand for.</summary>
    public void Sync(byte[] payload)
    {
        using var reader = WorkerProtocol.Reader(payload);
        _benchmark = WorkerProtocol.ReadSymbol(reader);
        var universe = new SymbolInfo[reader.ReadInt32()];
        _positions = new Dictionary<string, int>(universe.Length, StringComparer.Ordinal);
        for (var i = 0; i < universe.Length; i++)
        {
            universe[i] = WorkerProtocol.ReadSymbol(reader);
            _positions[universe[i].Symbol] = i;
        }

        _universe = universe;
    }

    /// <summary>A symbol's universe position (how an answer names it).</summary>
    public int PositionOf(string symbol) => _positions[symbol];

    /// <summary>The snapshot a compute request (<see cref="MarketImage.Publish"/>) describes; maps its image generation when it is a new one.</summary>
    /// <exception cref="InvalidDataException">The request or the image does not match the universe or the file.</exception>
    public MarketSnapshot Read(BinaryReader reader)
    {
        var benchmarkInfo = _benchmark ?? throw new InvalidOperationException("no universe was sent before the first computation");
        var cycle = reader.ReadInt64();
        var date = DateOnly.FromDayNumber(reader.ReadInt32());
        var image = Map(reader.ReadString(), reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt32());
        var benchmark = new SymbolHistory(benchmarkInfo, image.Slice(reader.ReadInt32(), reader.ReadInt32()));
        var count = reader.ReadInt32();
        if (count < 0 || count > _universe.Length)
        {
            throw new InvalidDataException($"a snapshot of {count} symbols for a universe of {_universe.Length}");
        }

        var positions = new int[count];
        var starts = new int[count];
        var counts = new int[count];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(positions.AsSpan()));
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(starts.AsSpan()));
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(counts.AsSpan()));
        var symbols = new SymbolHistory[count];
        for (var i = 0; i < count; i++)
        {
            if ((uint)positions[i] >= (uint)_universe.Length)
            {
                throw new InvalidDataException($"universe position {positions[i]} of {_universe.Length}");
            }

            symbols[i] = new SymbolHistory(_universe[positions[i]], image.Slice(starts[i], counts[i]));
        }

        return new MarketSnapshot(cycle, date, symbols, benchmark);
    }

    private MappedMarket Map(string path, long generation, int slots, int capacity)
    {
        if (_image is { } current && current.Generation == generation && current.Path == path)
        {
            return current;
        }

        // The previous generation is unmapped by the garbage collector once no view of it is left (a view the family kept
        // still reads it). A worker allocates little and rarely collects on its own: collect now, once a generation.
        if (_image is not null)
        {
            _image = null;
            GC.Collect();
        }

        _image = MappedMarket.Open(path, generation, slots, capacity);
        return _image;
    }
}
