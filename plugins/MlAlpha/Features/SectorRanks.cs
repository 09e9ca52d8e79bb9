using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.MlAlpha.Features;

/// <summary>
/// <c>cross_rank_sector</c> (and <c>ret_20d_sector_rel</c>) over whole histories: every (date, sector) group of rows is
/// ranked with <see cref="SectorRank.RankGroup"/> (and compared with its mean by <see cref="SectorRank.RelativeGroup"/>),
/// the rules the live cycle uses. Rows are indexed once by day number and sector into
/// flat arrays (no list or dictionary per date), then date ranges are ranked in parallel, each worker with its own
/// scratch buffers.
/// </summary>
internal static class SectorRanks
{
    /// <param name="symbols">The symbols (their sectors).</param>
    /// <param name="first">Where each symbol's rows start in the batch (and where the next one's start, last).</param>
    /// <param name="dates">The batch's row dates.</param>
    /// <param name="ret20">The batch's <c>ret_20d</c> per row.</param>
    /// <param name="values">The batch's float32 rows, <paramref name="width"/> values a row: the rank is written there.</param>
    /// <param name="width">Values a row.</param>
    /// <param name="column">Where the rank goes in a row; -1 for none.</param>
    /// <param name="relativeColumn">Where <c>ret_20d_sector_rel</c> goes in a row; -1 for none.</param>
    /// <param name="firstValue">Where each symbol's rows start in <paramref name="values"/> when that differs from
    /// <paramref name="first"/> (some symbols are peers only); null when every symbol has its rows there.</param>
    /// <param name="hasValues">Which symbols have rows in <paramref name="values"/> (with <paramref name="firstValue"/>).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fill(IReadOnlyList<SymbolHistory> symbols, int[] first, DateOnly[] dates, double[] ret20, float[] values, int width, int column,
        int relativeColumn, int[]? firstValue = null, bool[]? hasValues = null)
    {
        var sectorNames = new Dictionary<string, int>(StringComparer.Ordinal);
        var sectorOf = new int[symbols.Count];
        int firstDay = int.MaxValue, lastDay = int.MinValue;
        for (var s = 0; s < symbols.Count; s++)
        {
            sectorOf[s] = FeaturePipeline.HasSector(symbols[s]) ? SectorId(sectorNames, symbols[s].Info.Sector) : -1;
            if (sectorOf[s] >= 0 && first[s + 1] > first[s])
            {
                firstDay = Math.Min(firstDay, dates[first[s]].DayNumber);
                lastDay = Math.Max(lastDay, dates[first[s + 1] - 1].DayNumber);
            }
        }

        if (sectorNames.Count == 0 || firstDay > lastDay)
        {
            return;
        }

        // Group g = (day - firstDay) * sectors + sector; start[g]..start[g + 1] are its rows in members.
        var sectors = sectorNames.Count;
        var groups = (lastDay - firstDay + 1) * sectors;
        var start = new int[groups + 1];
        for (var s = 0; s < symbols.Count; s++)
        {
            for (var row = first[s]; sectorOf[s] >= 0 && row < first[s + 1]; row++)
            {
                start[Group(dates[row], firstDay, sectors, sectorOf[s]) + 1]++;
            }
        }

        for (var g = 0; g < groups; g++)
        {
            start[g + 1] += start[g];
        }

        // Each group's rows (batch row numbers), symbol after symbol.
        var members = new int[start[groups]];
        var next = start[..groups];
        for (var s = 0; s < symbols.Count; s++)
        {
            for (var row = first[s]; sectorOf[s] >= 0 && row < first[s + 1]; row++)
            {
                members[next[Group(dates[row], firstDay, sectors, sectorOf[s])]++] = row;
            }
        }

        // Where a batch row starts in values (-1: a peer's row, ranked with its sector but not written).
        int[]? target = null;
        if (firstValue is not null)
        {
            target = new int[first[^1]];
            for (var s = 0; s < symbols.Count; s++)
            {
                for (var row = first[s]; row < first[s + 1]; row++)
                {
                    target[row] = hasValues![s] ? (firstValue[s] + (row - first[s])) * width : -1;
                }
            }
        }

        var largest = 0;
        for (var g = 0; g < groups; g++)
        {
            largest = Math.Max(largest, start[g + 1] - start[g]);
        }

        Parallel.ForEach(Partitioner.Create(0, groups), () => (new double[largest], new double[largest], new double[largest]), [MethodImpl(MethodImplOptions.AggressiveOptimization)] (range, _, scratch) =>
        {
            var (group, ranks, relative) = scratch;
            for (var g = range.Item1; g < range.Item2; g++)
            {
                var n = start[g + 1] - start[g];
                if (n == 0)
                {
                    continue;
                }

                for (var k = 0; k < n; k++)
                {
                    group[k] = ret20[members[start[g] + k]];
                }

                if (column >= 0)
                {
                    SectorRank.RankGroup(group.AsSpan(0, n), ranks.AsSpan(0, n));
                }

                if (relativeColumn >= 0)
                {
                    SectorRank.RelativeGroup(group.AsSpan(0, n), relative.AsSpan(0, n));
                }

                for (var k = 0; k < n; k++)
                {
                    var row = members[start[g] + k];
                    var at = target is null ? row * width : target[row];
                    if (at >= 0 && column >= 0)
                    {
                        values[at + column] = (float)ranks[k];
                    }

                    if (at >= 0 && relativeColumn >= 0)
                    {
                        values[at + relativeColumn] = (float)relative[k];
                    }
                }
            }

            return scratch;
        }, _ => { });
    }

    private static int Group(DateOnly date, int firstDay, int sectors, int sector) => ((date.DayNumber - firstDay) * sectors) + sector;

    private static int SectorId(Dictionary<string, int> ids, string sector)
    {
        if (!ids.TryGetValue(sector, out var id))
        {
            ids[sector] = id = ids.Count;
        }

        return id;
    }
}
