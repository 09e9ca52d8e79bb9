using System.Runtime.CompilerServices;
using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.MlAlpha.Universe;

/// <summary>
/// Normalises one date's feature rows across symbols, feature by feature, so that a pooled model sees where a symbol
/// stands among its peers that day rather than the raw level (which drifts with the market and differs by symbol).
/// The transform of a date uses the rows of that date only. One implementation serves training, walk-forward
/// evaluation, backtests and the live cycle; the pooled model's metadata names which transform it was trained with.
/// </summary>
internal sealed class CrossSectionalTransform
{
    /// <summary>Average rank among the date's rows, scaled to [-0.5, 0.5] (ties share their rank).</summary>
    public const string Rank = "rank";

    /// <summary>(x - median) / (1.4826 MAD) of the date's rows, clipped to [-3, 3]; 0 when the MAD is 0.</summary>
    public const string RobustZ = "robust_z";

    private const double ZClip = 3.0;

    private double[] _column = [];
    private double[] _scratch = [];
    private ulong[] _keys = [];
    private ulong[] _sorted = [];
    private readonly int[] _counts = new int[256];

    private CrossSectionalTransform(string name) => Name = name;

    public string Name { get; }

    public static IReadOnlyList<string> Names { get; } = [Rank, RobustZ];

    /// <summary>The transform of that name; throws <see cref="ArgumentException"/> naming the known ones otherwise.</summary>
    public static CrossSectionalTransform Create(string name) => Names.Contains(name, StringComparer.Ordinal)
        ? new CrossSectionalTransform(name)
        : throw new ArgumentException($"unknown cross-sectional transform '{name}'; expected one of {string.Join(", ", Names)}", nameof(name));

    /// <summary>Maps one date's rows (every symbol with a valid row that day) into <paramref name="output"/>, row for row.</summary>
    /// <param name="rows">The date's raw feature rows, all of one width and finite.</param>
    /// <param name="output">Receives the normalised rows; each as wide as its input row. Not the input arrays.</param>
    public void Apply(IReadOnlyList<float[]> rows, IReadOnlyList<float[]> output)
    {
        var n = rows.Count;
        if (n == 0)
        {
            return;
        }

        if (_column.Length < n)
        {
            _column = new double[n];
            _scratch = new double[n];
        }

        var column = _column.AsSpan(0, n);
        var scratch = _scratch.AsSpan(0, n);
        var width = rows[0].Length;
        for (var f = 0; f < width; f++)
        {
            if (Name == Rank)
            {
                RankColumn(rows, f, output);
            }
            else
            {
                for (var i = 0; i < n; i++)
                {
                    column[i] = rows[i][f];
                }

                var median = Median(column, scratch);
                for (var i = 0; i < n; i++)
                {
                    scratch[i] = Math.Abs(column[i] - median);
                }

                var mad = 1.4826 * Median(scratch, scratch);
                for (var i = 0; i < n; i++)
                {
                    output[i][f] = mad > 0 ? (float)Math.Clamp((column[i] - median) / mad, -ZClip, ZClip) : 0f;
                }
            }
        }
    }

    /// <summary>
    /// Column <paramref name="f"/> of <paramref name="output"/>: each row's average rank (ties share it, as in
    /// <see cref="CrossSection.AverageRanks(ReadOnlySpan{double}, Span{double})"/>) scaled to [-0.5, 0.5]. Each value and
    /// its row index are packed into one 64-bit key whose order is the value's order (then the index's), so one sort of
    /// primitive keys does what a keys-and-items sort of doubles did, moving one array instead of two (a training panel
    /// ranks every date's 28 features); equal values are equal keys, so the ranks are the same to the bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RankColumn(IReadOnlyList<float[]> rows, int f, IReadOnlyList<float[]> output)
    {
        var n = rows.Count;
        if (n < 2)
        {
            for (var i = 0; i < n; i++)
            {
                output[i][f] = 0f;
            }

            return;
        }

        if (_keys.Length < n)
        {
            _keys = new ulong[n];
            _sorted = new ulong[n];
        }

        var keys = _keys.AsSpan(0, n);
        for (var i = 0; i < n; i++)
        {
            keys[i] = ((ulong)OrderedBits(rows[i][f]) << 32) | (uint)i;
        }

        keys = SortByValue(keys, _sorted.AsSpan(0, n));
        var start = 0;
        while (start < n)
        {
            var value = keys[start] >> 32;
            var end = start;
            while (end + 1 < n && keys[end + 1] >> 32 == value)
            {
                end++;
            }

            var scaled = (float)((((start + end) / 2.0) / (n - 1)) - 0.5);
            for (var k = start; k <= end; k++)
            {
                output[(int)(uint)keys[k]][f] = scaled;
            }

            start = end + 1;
        }
    }

    /// <summary>
    /// The keys in order of their upper 32 bits (the value), stably, so equal values stay in index order: the same order
    /// as sorting the whole keys. A least-significant-digit radix sort, a byte a pass, skipping a byte every key shares:
    /// a comparison sort mispredicts about every other branch on random values and took most of a panel's build.
    /// </summary>
    /// <returns>The sorted keys: <paramref name="keys"/> or <paramref name="scratch"/>, whichever the last pass wrote.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Span<ulong> SortByValue(Span<ulong> keys, Span<ulong> scratch)
    {
        var counts = _counts.AsSpan();
        for (var shift = 32; shift < 64; shift += 8)
        {
            counts.Clear();
            foreach (var key in keys)
            {
                counts[(int)(key >> shift) & 0xFF]++;
            }

            if (counts[(int)(keys[0] >> shift) & 0xFF] == keys.Length)
            {
                continue;
            }

            var offset = 0;
            for (var b = 0; b < counts.Length; b++)
            {
                (counts[b], offset) = (offset, offset + counts[b]);
            }

            foreach (var key in keys)
            {
                scratch[counts[(int)(key >> shift) & 0xFF]++] = key;
            }

            var swap = keys;
            keys = scratch;
            scratch = swap;
        }

        return keys;
    }

    /// <summary>A float's bits mapped so that unsigned order is numeric order (-0 and +0 map alike; finite input).</summary>
    private static uint OrderedBits(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value + 0f);
        return (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
    }

    /// <summary>Median of <paramref name="values"/>, sorting a copy in <paramref name="scratch"/> (which may be the same span).</summary>
    private static double Median(ReadOnlySpan<double> values, Span<double> scratch)
    {
        if (!values.Overlaps(scratch))
        {
            values.CopyTo(scratch);
        }

        var sorted = scratch[..values.Length];
        sorted.Sort();
        var n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2.0;
    }
}
