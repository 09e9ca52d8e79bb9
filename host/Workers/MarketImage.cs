using AlphaHost.Abstractions;
using AlphaHost.Host.Market;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Workers;

/// <summary>
/// The daemon's market history, kept once: one file in the runtime folder (<c>market/image-&lt;generation&gt;.bin</c>)
/// holding each symbol's bars in a slot of its own, which the host's <see cref="MarketState"/> appends to through a
/// writable mapping and the workers map read-only. The host's snapshots are views of the same pages, so neither the host
/// nor a worker holds a copy of the history. When a slot is full the host writes a new generation (the kept history, with
/// room to grow by half) and deletes the one before the previous, so a worker still reading the previous one is never cut
/// off. Bars once written never change, so a view of a cycle stays what the host wrote whatever it appends meanwhile.
/// When a generation cannot be written (disk full, folder not writable) the bars go on the heap instead: the market
/// stays whole, the workers' families fail their cycles with the reason, and every cycle tries the file again.
/// </summary>
internal sealed class MarketImage(string folder, ILogger? logger = null) : IBarSlots, IDisposable
{
    /// <summary>File-name prefix of a generation; anything with it in the folder at the first write is a dead daemon's leftover.</summary>
    public const string FilePrefix = "image-";

    private readonly Lock _lock = new();
    private int[] _counts = [];
    private int _maxHistory;
    private Memory<Bar> _bars;
    private int _capacity;
    private MappedMarket? _mapping;
    private long _generation;
    private string? _failure;
    private DateOnly? _movedOn;

    /// <summary>The current generation's file, or null before the first write.</summary>
    public string? Path => _mapping?.Path ?? (_generation == 0 ? null : FileOf(_generation));

    /// <summary>The last generation written to a file (from 1; 0 before the first).</summary>
    public long Generation => _generation;

    public void Open(int slots, int maxHistory)
    {
        lock (_lock)
        {
            _counts = new int[slots];
            _maxHistory = maxHistory;
        }
    }

    public int Count(int slot) => _counts[slot];

    public ref readonly Bar Last(int slot) => ref _bars.Span[(slot * _capacity) + _counts[slot] - 1];

    public ReadOnlyMemory<Bar> Bars(int slot) => _bars.Slice(slot * _capacity, _counts[slot]);

    public void Append(int slot, in Bar bar)
    {
        lock (_lock)
        {
            if (_movedOn is { } moved && bar.Date > moved)
            {
                // The previous generation is unmapped once no view of it is left. While the day that moved the bars was
                // appended the last cycle's snapshot still viewed it; a day later nothing should: collect once, now,
                // rather than keep both generations mapped until a full collection comes by itself.
                _movedOn = null;
                GC.Collect();
            }

            if (_counts[slot] == _capacity && Move())
            {
                _movedOn = bar.Date;
            }

            _bars.Span[(slot * _capacity) + _counts[slot]] = bar;
            _counts[slot]++;
        }
    }

    /// <summary>
    /// The cycle's compute request: where each of <paramref name="snapshot"/>'s histories lies in the image. The same bytes
    /// go to every worker. A generation that is on the heap is written to a file first.
    /// </summary>
    /// <exception cref="MarketImageException">The image could not be written (disk full, folder not writable); the market stays whole.</exception>
    public byte[] Publish(MarketState market, MarketSnapshot snapshot)
    {
        // The cycle's worker endpoints call in parallel: one writes a pending file, the others find the image current.
        lock (_lock)
        {
            if (_mapping is null)
            {
                if (_capacity == 0)
                {
                    _ = Move();
                }
                else
                {
                    _ = Relocate(_capacity, trim: false);
                }

                if (_mapping is null)
                {
                    throw new MarketImageException(_failure ?? "the market image has not been written");
                }
            }

            return WorkerProtocol.Payload(w =>
            {
                w.Write(snapshot.Cycle);
                w.Write(snapshot.Date.DayNumber);
                w.Write(_mapping.Path);
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
                    var slot = market.SlotOf(history.Symbol);
                    positions[i] = slot - 1;
                    starts[i] = Start(slot, history.Count);
                    counts[i] = history.Count;
                }

                w.Write(count);
                w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(positions.AsSpan()));
                w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(starts.AsSpan()));
                w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(counts.AsSpan()));
            });
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            // The mapping is unmapped by the garbage collector once no view of it is left (an in-process family may keep one).
            _mapping = null;
            for (var generation = Math.Max(1, _generation - 1); generation <= _generation; generation++)
            {
                TryDelete(FileOf(generation));
            }
        }
    }

    /// <summary>The index (in bars, from the first slot) of the last <paramref name="count"/> bars of a slot.</summary>
    private int Start(int slot, int count) => (slot * _capacity) + _counts[slot] - count;

    /// <summary>
    /// A slot is full: a new generation keeping at most max_history_days bars per slot, each with room to grow by half the
    /// longest (at least 64 bars, at most max_history_days: so a slot holds at most twice that). True when it replaced a mapped generation.
    /// </summary>
    private bool Move()
    {
        var longest = 0;
        foreach (var count in _counts)
        {
            longest = Math.Max(longest, Math.Min(count, _maxHistory));
        }

        return Relocate(longest + Math.Min(_maxHistory, Math.Max(64, longest / 2)), trim: true);
    }

    /// <summary>
    /// Copies the kept bars into a new generation of <paramref name="capacity"/> bars per slot: a file, or the heap when
    /// the file cannot be written. True when a file replaced a mapped generation.
    /// </summary>
    private bool Relocate(int capacity, bool trim)
    {
        var slots = _counts.Length;
        var kept = _counts.Select(c => trim ? Math.Min(c, _maxHistory) : c).ToArray();
        var path = FileOf(_generation + 1);
        MappedMarket? mapping = null;
        Memory<Bar> bars;
        try
        {
            if ((long)slots * capacity > int.MaxValue)
            {
                throw new MarketImageException($"the market image {path} would hold more than {int.MaxValue} bars ({slots} slots of {capacity})");
            }

            Directory.CreateDirectory(folder);
            if (_generation == 0)
            {
                foreach (var leftover in Directory.EnumerateFiles(folder, FilePrefix + "*.bin"))
                {
                    File.Delete(leftover);
                }
            }

            mapping = MappedMarket.Create(path, _generation + 1, slots, capacity);
            bars = mapping.Memory;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(path);
            if (_failure is null)
            {
                logger?.LogWarning("The market image {Path} could not be written ({Error}); the market is kept on the heap and the file is tried again every cycle", path, ex.Message);
            }

            _failure = $"the market image {path} could not be written: {ex.Message}";
            if (!trim)
            {
                return false;
            }

            bars = new Bar[slots * capacity];
        }

        for (var slot = 0; slot < slots; slot++)
        {
            _bars.Slice((slot * _capacity) + _counts[slot] - kept[slot], kept[slot]).CopyTo(bars[(slot * capacity)..]);
        }

        _bars = bars;
        _capacity = capacity;
        _counts = kept;
        var remapped = _mapping is not null;
        _mapping = mapping;
        if (mapping is null)
        {
            return false;
        }

        _failure = null;
        _generation++;
        if (_generation > 2)
        {
            TryDelete(FileOf(_generation - 2));
        }

        logger?.LogInformation("Market image generation {Generation} written: {Path}, {Slots} slots of {Capacity} bars ({Megabytes} MB)",
            _generation, path, slots, capacity, ((long)slots * capacity * System.Runtime.CompilerServices.Unsafe.SizeOf<Bar>()) >> 20);

        return remapped;
    }

    private string FileOf(long generation) => System.IO.Path.Combine(folder, $"{FilePrefix}{generation}.bin");

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
