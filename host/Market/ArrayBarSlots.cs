using AlphaHost.Abstractions;

namespace AlphaHost.Host.Market;

/// <summary>The market's bars on the heap, an array per slot that doubles as it fills up to twice the kept history.</summary>
internal sealed class ArrayBarSlots : IBarSlots
{
    private Bar[][] _bars = [];
    private int[] _counts = [];
    private int _maxHistory;

    public void Open(int slots, int maxHistory)
    {
        _maxHistory = maxHistory;
        _counts = new int[slots];
        _bars = new Bar[slots][];
        for (var slot = 0; slot < slots; slot++)
        {
            _bars[slot] = new Bar[Math.Min(512, 2 * maxHistory)];
        }
    }

    public int Count(int slot) => _counts[slot];

    public ref readonly Bar Last(int slot) => ref _bars[slot][_counts[slot] - 1];

    // Bars are append-only, so a view of the first Count bars never changes after it is handed out.
    public ReadOnlyMemory<Bar> Bars(int slot) => new(_bars[slot], 0, _counts[slot]);

    public void Append(int slot, in Bar bar)
    {
        var bars = _bars[slot];
        var count = _counts[slot];
        if (count == bars.Length)
        {
            // Views already handed out keep the old array, so moving to a new one never changes what they see.
            var keep = Math.Min(count, _maxHistory);
            var next = new Bar[Math.Min(Math.Max(bars.Length * 2, 512), 2 * _maxHistory)];
            Array.Copy(bars, count - keep, next, 0, keep);
            _bars[slot] = bars = next;
            count = keep;
        }

        bars[count] = bar;
        _counts[slot] = count + 1;
    }
}
