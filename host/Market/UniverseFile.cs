using System.Globalization;
using AlphaHost.Abstractions;
using CsvHelper;
using CsvHelper.Configuration;

namespace AlphaHost.Host.Market;

/// <summary>
/// A bar folder's <c>universe.csv</c> (<c>symbol,name,sector</c>): the sector map. A file that is there but malformed is
/// refused whole with its line (the sectors decide <c>cross_rank_sector</c>, so half a map would silently change
/// features); a missing file leaves every sector Unknown, which is reported.
/// </summary>
internal static class UniverseFile
{
    public const string FileName = "universe.csv";

    private static readonly string[] Header = ["symbol", "name", "sector"];

    private static readonly CsvConfiguration Options = new(CultureInfo.InvariantCulture)
    {
        BadDataFound = null,
        MissingFieldFound = null,
    };

    /// <summary>The symbols listed, by upper-case symbol. Throws <see cref="InvalidDataException"/> naming file:line.</summary>
    public static Dictionary<string, SymbolInfo> Read(string folder, List<DataIssue> issues, long maxBytes)
    {
        var path = Path.Combine(folder, FileName);
        var result = new Dictionary<string, SymbolInfo>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            issues.Add(new DataIssue(FileName, $"{path} not found; every sector is Unknown"));
            return result;
        }

        try
        {
            using var reader = new StreamReader(BarFolderEntry.Open(path, maxBytes, BarFileLimits.UniverseKey));
            using var parser = new CsvParser(reader, Options);
            if (!parser.Read())
            {
                throw new InvalidDataException($"{path}:1: empty file, expected the header {string.Join(",", Header)}");
            }

            var header = parser.Record!.Select(h => h.Trim()).ToArray();
            if (!header.SequenceEqual(Header, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"{path}:{parser.RawRow}: header must be {string.Join(",", Header)}, got '{string.Join(",", parser.Record!)}'");
            }

            while (parser.Read())
            {
                var row = parser.Record!;
                if (row.Length != Header.Length)
                {
                    throw new InvalidDataException($"{path}:{parser.RawRow}: expected 3 fields (symbol,name,sector), got {row.Length}");
                }

                var symbol = row[0].Trim().ToUpperInvariant();
                if (!SymbolInfo.IsValidSymbol(symbol))
                {
                    throw new InvalidDataException($"{path}:{parser.RawRow}: '{row[0]}' is not a valid symbol (upper case letters, digits, '.' and '-', at most 15)");
                }

                if (!result.TryAdd(symbol, new SymbolInfo(symbol, row[1], row[2])))
                {
                    throw new InvalidDataException($"{path}:{parser.RawRow}: symbol {symbol} is listed twice");
                }
            }
        }
        catch (CsvHelperException ex)
        {
            // CsvHelper's own message spans many lines (its parser context); its first line is the reason.
            throw new InvalidDataException($"{path}: {ex.Message.Split('\n')[0].Trim()}");
        }

        return result;
    }
}
