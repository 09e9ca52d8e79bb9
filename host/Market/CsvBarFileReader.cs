using System.Globalization;
using AlphaHost.Abstractions;
using CsvHelper;
using CsvHelper.Configuration;

namespace AlphaHost.Host.Market;

/// <summary>
/// The CsvHelper reading of a bar file: the reference <see cref="BarFileReader"/> agrees with (a differential fuzz test
/// holds them together) and the path it takes for the files its byte scanner leaves alone (quoted fields, a lone carriage
/// return, a UTF-16 or UTF-32 byte order mark).
/// </summary>
internal static class CsvBarFileReader
{
    private static readonly string[] Columns = BarFileReader.Columns;

    private static readonly CsvConfiguration CsvOptions = new(CultureInfo.InvariantCulture)
    {
        PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
        BadDataFound = null,
        MissingFieldFound = null,
    };

    /// <summary>
    /// Reads bar rows from <paramref name="reader"/>; <paramref name="path"/> names the source in errors. For rows
    /// appended to a file read before, <paramref name="reader"/> holds the header and the new lines only:
    /// <paramref name="linesBefore"/> counts the lines already read after the header (so problems name the line in the
    /// file) and <paramref name="previousDate"/> is the last good date there (so order is checked across the two).
    /// </summary>
    public static BarFile Read(string path, TextReader reader, long linesBefore = 0, DateOnly? previousDate = null)
    {
        var bars = new List<Bar>(4096);
        var issues = new List<string>();
        using var csv = new CsvReader(reader, CsvOptions);
        if (!csv.Read() || !csv.ReadHeader())
        {
            throw new InvalidDataException($"{path}: empty file, expected a header {string.Join(",", Columns)}");
        }

        var header = csv.HeaderRecord!.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        var missing = Columns.Where(c => !header.Contains(c)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidDataException($"{path}: missing column(s) {string.Join(", ", missing)}");
        }

        var index = Columns.Select(c => Array.IndexOf(header, c)).ToArray();
        var last = previousDate;
        while (csv.Read())
        {
            var line = csv.Parser.RawRow + linesBefore;
            if (!TryParse(csv, index, out var bar, out var parseProblem))
            {
                issues.Add($"line {line}: {parseProblem}");
                continue;
            }

            if (BarValidator.Problem(bar, last) is { } problem)
            {
                issues.Add($"line {line}: {problem}");
                continue;
            }

            bars.Add(bar);
            last = bar.Date;
        }

        return new BarFile(new ArraySegment<Bar>([.. bars]), issues);
    }

    private static bool TryParse(CsvReader csv, int[] index, out Bar bar, out string problem)
    {
        bar = default;
        var fields = new string?[index.Length];
        for (var i = 0; i < index.Length; i++)
        {
            fields[i] = csv.TryGetField<string>(index[i], out var field) ? field : null;
        }

        if (!DateOnly.TryParseExact(fields[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            problem = $"date '{fields[0]}' is not yyyy-MM-dd";
            return false;
        }

        var values = new double[5];
        for (var i = 1; i < index.Length; i++)
        {
            if (!double.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i - 1]))
            {
                problem = $"{date:yyyy-MM-dd}: {Columns[i]} '{fields[i]}' is not a number";
                return false;
            }
        }

        bar = new Bar(date, values[0], values[1], values[2], values[3], values[4]);
        problem = "";
        return true;
    }
}
