using System.Buffers;
using System.IO.MemoryMappedFiles;
using AlphaHost.Abstractions;

namespace AlphaHost.Host.Workers;

/// <summary>
/// A mapping of one generation of the market image: the bars of every slot as one <see cref="Memory{T}"/> that a
/// family's <see cref="SymbolHistory.Bars"/> slices without copying. A worker's (<see cref="Open"/>) is mapped without
/// write permission: a family that casts the read-only memory to writable and stores into it faults and its worker dies;
/// the host's bars and the other workers' views are untouched. The host's (<see cref="Create"/>) is the one writable
/// mapping, through which <see cref="MarketImage"/> appends. A generation is unmapped by the garbage collector once
/// nothing holds a view of it, so a family that kept an earlier cycle's history never reads unmapped memory.
/// </summary>
internal sealed unsafe class MappedMarket : MemoryManager<Bar>
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _bars;
    private readonly int _length;
    private bool _released;

    private MappedMarket(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, long generation, int slots, int capacity)
    {
        Path = path;
        _file = file;
        _view = view;
        Generation = generation;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        pointer += view.PointerOffset;
        _bars = pointer + MarketImageLayout.HeaderBytes;
        _length = slots * capacity;
    }

    // CA2015 warns that a span taken from this memory does not keep it alive. The worker holds the current generation
    // for the whole computation; an earlier one lives only through the Memory a family kept, and a span of it lasts at
    // most one call of the family, which runs while the family still holds that Memory.
#pragma warning disable CA2015
    ~MappedMarket() => Dispose(false);
#pragma warning restore CA2015

    public string Path { get; }

    public long Generation { get; }

    /// <summary>Maps <paramref name="path"/> read-only and checks its header against what the host said it wrote.</summary>
    /// <exception cref="InvalidDataException">The file is missing, too short or another generation.</exception>
    public static MappedMarket Open(string path, long generation, int slots, int capacity)
    {
        var size = MarketImageLayout.HeaderBytes + ((long)slots * capacity * sizeof(Bar));
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            if (slots <= 0 || capacity <= 0 || (long)slots * capacity > int.MaxValue)
            {
                throw new InvalidDataException($"{slots} slots of {capacity} bars is not an image shape");
            }

            var length = new FileInfo(path).Length;
            if (length < size)
            {
                throw new InvalidDataException($"{length} bytes, {size} expected");
            }

            file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = file.CreateViewAccessor(0, size, MemoryMappedFileAccess.Read);
            var image = new MappedMarket(path, file, view, generation, slots, capacity);
            if (MarketImageLayout.Mismatch(new ReadOnlySpan<byte>(image._bars - MarketImageLayout.HeaderBytes, MarketImageLayout.HeaderBytes), generation, slots, capacity) is { } mismatch)
            {
                throw new InvalidDataException(mismatch);
            }

            return image;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            view?.Dispose();
            file?.Dispose();
            throw new InvalidDataException($"the market image {path} cannot be read: {ex.Message}");
        }
    }

    /// <summary>
    /// Creates <paramref name="path"/> (every block allocated before a byte is written: a full disk fails here, as an
    /// <see cref="IOException"/>, never later as a fault on writing through the mapping), maps it writable and writes its header.
    /// </summary>
    public static MappedMarket Create(string path, long generation, int slots, int capacity)
    {
        var size = MarketImageLayout.HeaderBytes + ((long)slots * capacity * sizeof(Bar));
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.ReadWrite, Share = FileShare.Read, PreallocationSize = size });
            stream.SetLength(size);
            file = MemoryMappedFile.CreateFromFile(stream, null, size, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            view = file.CreateViewAccessor(0, size, MemoryMappedFileAccess.ReadWrite);
        }
        catch
        {
            view?.Dispose();
            file?.Dispose();
            throw;
        }

        var image = new MappedMarket(path, file, view, generation, slots, capacity);
        MarketImageLayout.WriteHeader(new Span<byte>(image._bars - MarketImageLayout.HeaderBytes, MarketImageLayout.HeaderBytes), generation, slots, capacity);
        return image;
    }

    /// <summary>The <paramref name="count"/> bars from bar <paramref name="start"/> (counted from the first slot), checked against the mapping's bounds.</summary>
    public ReadOnlyMemory<Bar> Slice(int start, int count) =>
        start >= 0 && count >= 0 && (long)start + count <= _length
            ? Memory.Slice(start, count)
            : throw new InvalidDataException($"bars {start} to {(long)start + count} are outside the market image's {_length}");

    public override Span<Bar> GetSpan() => new(_bars, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_bars + ((long)elementIndex * sizeof(Bar)));

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (_released)
        {
            return;
        }

        _released = true;

        // The view's handle outlives this finalizer (critical finalization), so releasing the pointer here lets it unmap.
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        if (disposing)
        {
            _view.Dispose();
            _file.Dispose();
        }
    }
}
