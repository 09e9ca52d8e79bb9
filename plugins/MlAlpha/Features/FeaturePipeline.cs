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
    private readonly int _ret20 = IndexOf("ret_20d");
    private readonly int _sectorRank = IndexOf(SectorRank.FeatureName);

    public FeaturePipeline(FeatureContract contract)
    {
        _contract = contract;
        _columns = contract.Names.Select(name => FeatureState.Supported.Contains(name)
            ? IndexOf(name)
            : throw new FeatureContractException(contract.Name, $"feature '{name}' has no implementation in this version of the ML family")).ToArray();
    }

    public IReadOnlyList<string> Names => _contract.Names;

    /// <summary>Where <c>cross_rank_sector</c> sits in a <see cref="FeatureState"/> row.</summary>
    public int SectorRankColumn => _sectorRank;

    /// <summary>Where <c>ret_20d</c> sits in a <see cref="FeatureState"/> row.</summary>
    public int Ret20Column => _ret20;

    /// <summary>A <see cref="FeatureState"/> row's contract features, in contract order, as float32, into <paramref name="values"/>.</summary>
    public void SelectInto(ReadOnlySpan<double> raw, Span<float> values)
    {
        for (var c = 0; c < _columns.Length; c++)
        {
            values[c] = (float)raw[_columns[c]];
        }
    }

    /// <summary>Every symbol's feature matrix over its whole history.</summary>
    /// <param name="symbols">The symbols with their validated bars and sectors.</param>
    /// <param name="benchmark">The market benchmark, or null when there is none (beta_60 is then missing).</param>
    public IReadOnlyDictionary<string, FeatureMatrix> ComputeBatch(IReadOnlyList<SymbolHistory> symbols, SymbolHistory? benchmark)
    {
        var marketReturns = BenchmarkReturns(benchmark);
        var raw = new double[symbols.Count][];
        Parallel.For(0, symbols.Count, s =>
        {
            var bars = symbols[s].Bars.Span;
            var state = new FeatureState();
            var width = FeatureState.Supported.Count;
            var rows = new double[bars.Length * width];
            for (var i = 0; i < bars.Length; i++)
            {
                state.Update(bars[i], marketReturns.GetValueOrDefault(bars[i].Date, double.NaN), rows.AsSpan(i * width, width));
            }

            raw[s] = rows;
        });

        FillSectorRanks(symbols, raw);
        var result = new Dictionary<string, FeatureMatrix>(symbols.Count, StringComparer.Ordinal);
        for (var s = 0; s < symbols.Count; s++)
        {
            result[symbols[s].Symbol] = ToMatrix(symbols[s], raw[s]);
        }

        return result;
    }

    private void FillSectorRanks(IReadOnlyList<SymbolHistory> symbols, double[][] raw)
    {
        var width = FeatureState.Supported.Count;
        var byDate = new Dictionary<DateOnly, List<(int Symbol, int Row)>>();
        for (var s = 0; s < symbols.Count; s++)
        {
            var bars = symbols[s].Bars.Span;
            for (var i = 0; i < bars.Length; i++)
            {
                if (!byDate.TryGetValue(bars[i].Date, out var list))
                {
                    byDate[bars[i].Date] = list = [];
                }

                list.Add((s, i));
            }
        }

        foreach (var members in byDate.Values)
        {
            var ranks = SectorRank.Assign(members
                .Where(m => HasSector(symbols[m.Symbol]))
                .Select(m => (symbols[m.Symbol].Symbol, symbols[m.Symbol].Info.Sector, raw[m.Symbol][(m.Row * width) + _ret20])));
            foreach (var (s, row) in members)
            {
                raw[s][(row * width) + _sectorRank] = ranks.GetValueOrDefault(symbols[s].Symbol, double.NaN);
            }
        }
    }

    private FeatureMatrix ToMatrix(SymbolHistory history, double[] raw)
    {
        var width = FeatureState.Supported.Count;
        var bars = history.Bars.Span;
        var dates = new DateOnly[bars.Length];
        var values = new float[bars.Length * _columns.Length];
        for (var i = 0; i < bars.Length; i++)
        {
            dates[i] = bars[i].Date;
            for (var c = 0; c < _columns.Length; c++)
            {
                values[(i * _columns.Length) + c] = (float)raw[(i * width) + _columns[c]];
            }
        }

        return new FeatureMatrix(history.Symbol, _contract.Names, dates, values, _contract.MinHistoryBars);
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
    public static bool HasSector(SymbolHistory history) =>
        !string.IsNullOrWhiteSpace(history.Info.Sector) && history.Info.Sector != "Unknown";

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
