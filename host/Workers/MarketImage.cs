using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using AlphaHost.Abstractions;
using AlphaHost.Host.Market;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Workers;

/// <summary>
/// The market as every worker reads it: one file in the runtime folder (<c>market/image-&lt;generation&gt;.bin</c>)
/// holding each symbol's bars in a slot of its own, written by the host and mapped read-only by the workers, so the
/// history lives once however many families run in workers. A cycle appends the day's bars to their slots; when a slot
/// is full the host writes a new generation (the kept history, with room to grow by half) and deletes the one before
/// the previous, so a worker still reading the previous one is never cut off. Bars once written never change, so a
/// worker's view of a cycle stays what the host wrote whatever the host appends meanwhile.
/// </summary>
internal sealed unsafe class MarketImage(string folder, ILogger? logger = null) : IDisposable
{
    /// <summary>File-name prefix of a generation; anything with it in the folder at the first write is a dead daemon's leftover.</summary>
    public const string FilePrefix = "image-";

    private readonly Lock _lock = new();
    private MemoryMappedFile? _file;
    private MemoryMappedViewAccessor? _view;
    private byte* _pointer;
    private long _generation;
    private int _capacity;
    private int[] _counts = [];
    private DateOnly[] _lastDates = [];
    private Dictionary<string, int> _slotOf = new(StringComparer.Ordinal);
    private string? _path;
    private string? _previousPath;

    /// <summary>The current generation's file, or null before the first write.</summary>
    public string? Path => _path;

    /// <summary>The current generation (from 1; 0 before the first write).</summary>
    public long Generation => _generation;

    /// <summary>
    /// Brings the image up to <paramref name="market"/> (appends the new bars, or writes a new generation) and returns the
    /// cycle's compute request: where each of <paramref name="snapshot"/>'s histories lies in the image. The same bytes go to every worker.
    /// </summary>
    /// <exception cref="MarketImageException">The image could not be written (disk full, folder not writable); the last generation stays valid.</exception>
    public byte[] Publish(MarketState market, MarketSnapshot snapshot)
    {
        // The cycle's worker endpoints call in parallel: one writes, the others find the image current.
        lock (_lock)
        {
            return PublishLocked(market, snapshot);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            Unmap();
            foreach (var path in (string?[])[_previousPath, _path])
            {
                if (path is not null)
                {
                    TryDelete(path);
                }
            }
        }
    }

    private byte[] PublishLocked(MarketState market, MarketSnapshot snapshot)
    {
        var (benchmark, symbols) = market.Export();
        var histories = new SymbolHistory[symbols.Count + 1];
        histories[0] = benchmark;
        for (var i = 0; i < symbols.Count; i++)
        {
            histories[i + 1] = symbols[i];
        }

        if (_view is null || histories.Length != _counts.Length || !TryAppend(histories))
        {
            Write(histories, market.MaxHistory);
        }

        return WorkerProtocol.Payload(w =>
        {
            w.Write(snapshot.Cycle);
            w.Write(snapshot.Date.DayNumber);
            w.Write(_path!);
            w.Write(_generation);
            w.Write(_counts.Length);
            w.Write(_capacity);
            w.Write(Start(0, snapshot.Benchmark.Count));
            w.Write(snapshot.Benchmark.Count);
            var count = snapshot.Symbols.Count;
            var positions = new int[count];
            var starts = new int[count];
            var counts = new int[count];
            for (var i = 0; i < count; i++)
            {
                var history = snapshot.Symbols[i];
                var slot = _slotOf[history.Symbol];
                positions[i] = slot - 1;
                starts[i] = Start(slot, history.Count);
                counts[i] = history.Count;
            }

            w.Write(count);
            w.Write(MemoryMarshal.AsBytes(positions.AsSpan()));
            w.Write(MemoryMarshal.AsBytes(starts.AsSpan()));
            w.Write(MemoryMarshal.AsBytes(counts.AsSpan()));
        });
    }

    /// <summary>The index (in bars, from the first slot) of the last <paramref name="count"/> bars of a slot.</summary>
    private int Start(int slot, int count) => (slot * _capacity) + _counts[slot] - count;

    /// <summary>Appends each history's bars newer than its slot's last; false (nothing written) when one would not fit.</summary>
    private bool TryAppend(SymbolHistory[] histories)
    {
        var fresh = new int[histories.Length];
        for (var slot = 0; slot < histories.Length; slot++)
        {
            var bars = histories[slot].Bars.Span;
            var n = 0;
            while (n < bars.Length && bars[bars.Length - 1 - n].Date > _lastDates[slot])
            {
                n++;
            }

            // A full slot, or a history whose older bars the slot does not hold: a new generation either way.
            if (_counts[slot] + n > _capacity || (_counts[slot] - (bars.Length - n)) < 0)
            {
                return false;
            }

            fresh[slot] = n;
        }

        for (var slot = 0; slot < histories.Length; slot++)
        {
            if (fresh[slot] > 0)
            {
                var bars = histories[slot].Bars.Span;
                bars[^fresh[slot]..].CopyTo(Bars(slot)[_counts[slot]..]);
                _counts[slot] += fresh[slot];
                _lastDates[slot] = bars[^1].Date;
            }
        }

        return true;
    }

    /// <summary>Writes a new generation holding every history, each slot with room to grow by half its longest history (at least 64 bars, at most max_history_days).</summary>
    private void Write(SymbolHistory[] histories, int maxHistory)
    {
        var longest = histories.Max(h => h.Count);
        var capacity = longest + Math.Max(64, Math.Min(longest / 2, maxHistory));
        var generation = _generation + 1;
        var path = System.IO.Path.Combine(folder, $"{FilePrefix}{generation}.bin");
        var size = MarketImageLayout.HeaderBytes + ((long)histories.Length * capacity * sizeof(Bar));
        if ((long)histories.Length * capacity > int.MaxValue)
        {
            throw new MarketImageException($"the market image {path} would hold more than {int.MaxValue} bars ({histories.Length} slots of {capacity})");
        }

        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            Directory.CreateDirectory(folder);
            if (_generation == 0)
            {
                foreach (var leftover in Directory.EnumerateFiles(folder, FilePrefix + "*.bin"))
                {
                    File.Delete(leftover);
                }
            }

            // Every block is allocated before a byte is written: a full disk fails here, as an IOException, and never later as
            // a fault on writing through the mapping.
            var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.ReadWrite, Share = FileShare.Read, PreallocationSize = size });
            stream.SetLength(size);
            file = MemoryMappedFile.CreateFromFile(stream, null, size, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            view = file.CreateViewAccessor(0, size, MemoryMappedFileAccess.ReadWrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            view?.Dispose();
            file?.Dispose();
            TryDelete(path);
            throw new MarketImageException($"the market image {path} could not be written: {ex.Message}");
        }

        Unmap();
        _file = file;
        _view = view;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _pointer = pointer + view.PointerOffset;
        _generation = generation;
        _capacity = capacity;
        _counts = new int[histories.Length];
        _lastDates = new DateOnly[histories.Length];
        _slotOf = new Dictionary<string, int>(histories.Length, StringComparer.Ordinal);
        for (var slot = 0; slot < histories.Length; slot++)
        {
            var bars = histories[slot].Bars.Span;
            bars.CopyTo(Bars(slot));
            _counts[slot] = bars.Length;
            _lastDates[slot] = bars.Length > 0 ? bars[^1].Date : DateOnly.MinValue;
            if (slot > 0)
            {
                _slotOf[histories[slot].Symbol] = slot;
            }
        }

        MarketImageLayout.WriteHeader(new Span<byte>(_pointer, MarketImageLayout.HeaderBytes), generation, histories.Length, capacity);
        if (_previousPath is not null)
        {
            TryDelete(_previousPath);
        }

        _previousPath = _path;
        _path = path;
        logger?.LogInformation("Market image generation {Generation} written: {Path}, {Slots} slots of {Capacity} bars ({Megabytes} MB)",
            generation, path, histories.Length, capacity, size >> 20);
    }

    private Span<Bar> Bars(int slot) => new(_pointer + MarketImageLayout.HeaderBytes + ((long)slot * _capacity * sizeof(Bar)), _capacity);

    private void Unmap()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file!.Dispose();
            _view = null;
            _file = null;
            _pointer = null;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file that cannot be deleted is removed with the other leftovers when the daemon next starts.
        }
    }
}

/// <summary>The market image could not be written: one line naming the file and the reason.</summary>
internal sealed class MarketImageException(string message) : Exception(message);
