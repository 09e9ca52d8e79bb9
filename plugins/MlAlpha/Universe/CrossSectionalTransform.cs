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
            for (var i = 0; i < n; i++)
            {
                column[i] = rows[i][f];
            }

            if (Name == Rank)
            {
                CrossSection.AverageRanks(column, scratch);
                for (var i = 0; i < n; i++)
                {
                    output[i][f] = n < 2 ? 0f : (float)((scratch[i] / (n - 1)) - 0.5);
                }
            }
            else
            {
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
