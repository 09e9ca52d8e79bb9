using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;

namespace AlphaHost.Plugins.MlAlpha.Features;

/// <summary>
/// Computes a contract's features. The batch entry point (training, audits, backtests) runs each symbol's
/// <see cref="FeatureState"/> over its whole history, then ranks <c>ret_20d</c> within sectors date by date; the live
/// cycle runs the same states one bar at a time, so the two agree bit for bit.
/// </summary>
internal sealed class FeaturePipeline
{
    private readonly FeatureContract _contract;
    private readonly int[] _columns;
    private readonly bool _inStateOrder;
    private readonly int _ret20 = IndexOf("ret_20d");
    private readonly int _sectorRank = IndexOf(SectorRank.FeatureName);
    private readonly int _sectorRelative = IndexOf(PriceVolumeState.SectorRelativeName);

    public FeaturePipeline(FeatureContract contract)
    {
        _contract = contract;
        _columns = contract.Names.Select(name => FeatureState.Supported.Contains(name)
            ? IndexOf(name)
            : throw new FeatureContractException(contract.Name, $"feature '{name}' has no implementation in this version of the ML family")).ToArray();
        _inStateOrder = _columns.Select((column, c) => column == c).All(same => same);
        PriceVolume = _columns.Any(column => column >= FeatureState.Core.Count);
    }

    /// <summary>Whether the contract asks for any of <see cref="PriceVolumeState.Names"/> (the states must compute them).</summary>
    public bool PriceVolume { get; }

    public IReadOnlyList<string> Names => _contract.Names;

    /// <summary>Where <c>cross_rank_sector</c> sits in a <see cref="FeatureState"/> row.</summary>
    public int SectorRankColumn => _sectorRank;

    /// <summary>Where <c>ret_20d_sector_rel</c> sits in a <see cref="FeatureState"/> row.</summary>
    public int SectorRelativeColumn => _sectorRelative;

    /// <summary>Where <c>ret_20d</c> sits in a <see cref="FeatureState"/> row.</summary>
    public int Ret20Column => _ret20;

    /// <summary>A <see cref="FeatureState"/> row's contract features, in contract order, as float32, into <paramref name="values"/>.</summary>
    /// <remarks>
    /// When the contract lists the state's features in the state's order (the shipped contract does), four values at a
    /// time are narrowed together (<see cref="Vector256.Narrow(Vector256{double}, Vector256{double})"/>, the same
    /// round-to-nearest as a cast, NaN and infinities kept); otherwise one by one through the contract's column map.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SelectInto(ReadOnlySpan<double> raw, Span<float> values)
    {
        var c = 0;
        if (_inStateOrder && Vector256.IsHardwareAccelerated)
        {
            values = values[.._columns.Length];
            for (; c + Vector256<float>.Count <= _columns.Length; c += Vector256<float>.Count)
            {
                Vector256.Narrow(Vector256.Create(raw.Slice(c, 4)), Vector256.Create(raw.Slice(c + 4, 4))).CopyTo(values[c..]);
            }

            for (; c < _columns.Length; c++)
            {
                values[c] = (float)raw[c];
            }

            return;
        }

        for (; c < _columns.Length; c++)
        {
            values[c] = (float)raw[_columns[c]];
        }
    }

    /// <summary>Every symbol's feature matrix over its whole history (or only the asked symbols' matrices).</summary>
    /// <param name="symbols">The symbols with their validated bars and sectors.</param>
    /// <param name="benchmark">The market benchmark, or null when there is none (beta_60 is then missing).</param>
    /// <param name="wanted">The symbols whose matrices are returned; null returns every one. The others are only
    /// sector peers: of them just <c>ret_20d</c> is computed, the one input <c>cross_rank_sector</c> takes from a peer.</param>
    /// <remarks>
    /// Symbols run in parallel, each row written as float32 in contract order straight from the state's row (no
    /// whole-history double copy; only <c>ret_20d</c> is kept in double, for the ranks). The sector ranks then run in
    /// parallel across dates over a flat (date, sector) index, with the same <see cref="SectorRank.RankGroup"/> as the
    /// live cycle and no allocation per date.
    /// </remarks>
    public IReadOnlyDictionary<string, FeatureMatrix> ComputeBatch(IReadOnlyList<SymbolHistory> symbols, SymbolHistory? benchmark,
        IReadOnlySet<string>? wanted = null)
    {
        var (marketDates, marketReturns) = BenchmarkReturnSeries(benchmark);
        var width = _columns.Length;

        // One array each for the whole batch, symbol after symbol: hundreds of large per-symbol arrays kept alive made
        // every collection during the batch walk a growing heap (most of the batch's time on 2 cores). A peer has
        // dates and ret_20d rows but no feature rows.
        var first = new int[symbols.Count + 1];
        var firstValue = new int[symbols.Count + 1];
        var full = new bool[symbols.Count];
        for (var s = 0; s < symbols.Count; s++)
        {
            full[s] = wanted is null || wanted.Contains(symbols[s].Symbol);
            first[s + 1] = first[s] + symbols[s].Count;
            firstValue[s + 1] = firstValue[s] + (full[s] ? symbols[s].Count : 0);
        }

        var values = GC.AllocateUninitializedArray<float>(checked(firstValue[^1] * width));
        var dates = GC.AllocateUninitializedArray<DateOnly>(first[^1]);
        var ret20 = GC.AllocateUninitializedArray<double>(first[^1]);
        Parallel.For(0, symbols.Count, () => new double[FeatureState.Supported.Count], [MethodImpl(MethodImplOptions.AggressiveOptimization)] (s, _, raw) =>
        {
            var bars = symbols[s].Bars.Span;
            if (!full[s])
            {
                PeerReturns(bars, dates.AsSpan(first[s], bars.Length), ret20.AsSpan(first[s], bars.Length));
                return raw;
            }

            var state = new FeatureState(PriceVolume);
            var m = 0;
            for (var i = 0; i < bars.Length; i++)
            {
                var date = bars[i].Date;
                while (m < marketDates.Length && marketDates[m] < date)
                {
                    m++;
                }

                state.Update(bars[i], m < marketDates.Length && marketDates[m] == date ? marketReturns[m] : double.NaN, raw);
                var row = first[s] + i;
                SelectInto(raw, values.AsSpan((firstValue[s] + i) * width, width));
                dates[row] = date;
                ret20[row] = raw[_ret20];
            }

            return raw;
        }, _ => { });

        var rankColumn = Array.IndexOf(_columns, _sectorRank);
        var relativeColumn = Array.IndexOf(_columns, _sectorRelative);
        if (rankColumn >= 0 || relativeColumn >= 0)
        {
            SectorRanks.Fill(symbols, first, dates, ret20, values, width, rankColumn, relativeColumn, wanted is null ? null : firstValue, full);
        }

        var result = new Dictionary<string, FeatureMatrix>(symbols.Count, StringComparer.Ordinal);
        for (var s = 0; s < symbols.Count; s++)
        {
            if (full[s])
            {
                result[symbols[s].Symbol] = new FeatureMatrix(symbols[s].Symbol, _contract.Names, new ArraySegment<DateOnly>(dates, first[s], symbols[s].Count),
                    new ArraySegment<float>(values, firstValue[s] * width, symbols[s].Count * width), _contract.MinHistoryBars);
            }
        }

        return result;
    }

    /// <summary>
    /// A sector peer's dates and <c>ret_20d</c>, the same value <see cref="FeatureState"/> gives (the close over the close
    /// 20 bars before, minus one; NaN for the first 20 bars), without the other 27 features.
    /// </summary>
    internal static void PeerReturns(ReadOnlySpan<Bar> bars, Span<DateOnly> dates, Span<double> ret20)
    {
        const int Lag = 20;
        for (var i = 0; i < bars.Length; i++)
        {
            dates[i] = bars[i].Date;
            ret20[i] = i >= Lag ? (bars[i].Close / bars[i - Lag].Close) - 1.0 : double.NaN;
        }
    }

    /// <summary>The benchmark's dates from its second bar on, with each day's simple return (the values of <see cref="BenchmarkReturns"/>).</summary>
    private static (DateOnly[] Dates, double[] Returns) BenchmarkReturnSeries(SymbolHistory? benchmark)
    {
        if (benchmark is null || benchmark.Count < 2)
        {
            return ([], []);
        }

        var bars = benchmark.Bars.Span;
        var dates = new DateOnly[bars.Length - 1];
        var returns = new double[bars.Length - 1];
        for (var i = 1; i < bars.Length; i++)
        {
            dates[i - 1] = bars[i].Date;
            returns[i - 1] = (bars[i].Close / bars[i - 1].Close) - 1.0;
        }

        return (dates, returns);
    }

    /// <summary>The benchmark's simple return by date.</summary>
    public static Dictionary<DateOnly, double> BenchmarkReturns(SymbolHistory? benchmark)
    {
        var returns = new Dictionary<DateOnly, double>();
        if (benchmark is null)
        {
            return returns;
        }

        var bars = benchmark.Bars.Span;
        for (var i = 1; i < bars.Length; i++)
        {
            returns[bars[i].Date] = (bars[i].Close / bars[i - 1].Close) - 1.0;
        }

        return returns;
    }

    /// <summary>Whether a symbol takes part in sector ranks (a known sector).</summary>
    public static bool HasSector(SymbolHistory history) => HasSector(history.Info);

    /// <summary>Whether a symbol takes part in sector ranks (a known sector).</summary>
    public static bool HasSector(SymbolInfo info) => !string.IsNullOrWhiteSpace(info.Sector) && info.Sector != "Unknown";

    private static int IndexOf(string name)
    {
        for (var i = 0; i < FeatureState.Supported.Count; i++)
        {
            if (FeatureState.Supported[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
