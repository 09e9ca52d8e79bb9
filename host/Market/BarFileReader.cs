using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using AlphaHost.Abstractions;

namespace AlphaHost.Host.Market;

/// <summary>
/// Reads one <c>date,open,high,low,close,volume</c> file. Rows that do not parse or break
/// <see cref="BarValidator"/> are left out and reported; a file without the needed columns is refused whole.
/// </summary>
/// <remarks>
/// The bytes are parsed straight into a bar array sized from the line count (no string per field). CsvHelper took several
/// times as long over the same files (docs/performance.md, "Offline path": the <c>offline</c> benchmark measures both in one run), and reading
/// bar folders is the largest fixed cost of every offline command. The byte scanner only takes files whose lines need no CSV quoting rules:
/// a file holding a quote, a carriage return not followed by a line feed, or a UTF-16/UTF-32 byte order mark goes to
/// <see cref="CsvBarFileReader"/>, and the two agree on every file (a differential fuzz test holds them together).
/// The scanning methods are compiled optimized at their first call: a command reads most of its files before tiered
/// compilation would replace their first, unoptimized code (a profile of a folder load had it running there).
/// </remarks>
internal static class BarFileReader
{
    /// <summary>The columns a bar file needs (any order, any case, surrounding blanks ignored; others are ignored).</summary>
    public static readonly string[] Columns = ["date", "open", "high", "low", "close", "volume"];

    /// <summary>Reads the file. Throws <see cref="InvalidDataException"/> naming the file when it is unusable.</summary>
    public static BarFile Read(string path)
    {
        using var stream = BarFolderEntry.Open(path, BarFileLimits.Default.MaxBarFileBytes, BarFileLimits.BarKey);
        var length = (int)stream.Length; // at most Array.MaxLength: BarFolderEntry refuses larger files
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            stream.ReadExactly(buffer, 0, length);
            return Read(path, buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads bar rows from <paramref name="utf8"/>; <paramref name="path"/> names the source in errors. For rows
    /// appended to a file read before, <paramref name="utf8"/> holds the header and the new lines only:
    /// <paramref name="linesBefore"/> counts the lines already read after the header (so problems name the line in the
    /// file) and <paramref name="previousDate"/> is the last good date there (so order is checked across the two).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static BarFile Read(string path, ReadOnlySpan<byte> utf8, long linesBefore = 0, DateOnly? previousDate = null)
    {
        if (NeedsCsvRules(utf8))
        {
            using var reader = new StreamReader(new MemoryStream(utf8.ToArray()));
            return CsvBarFileReader.Read(path, reader, linesBefore, previousDate);
        }

        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        var lineNumber = 0L;
        int[]? index = null;
        var bars = new Bar[Math.Max(utf8.Count((byte)'\n'), 1)];
        var count = 0;
        var issues = new List<string>();
        var last = previousDate;
        Span<Range> fields = default;
        while (!utf8.IsEmpty)
        {
            var end = utf8.IndexOf((byte)'\n');
            var line = end < 0 ? utf8 : utf8[..end];
            utf8 = end < 0 ? default : utf8[(end + 1)..];
            lineNumber++;
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                continue; // blank lines are skipped, as CsvHelper does; they still count for line numbers
            }

            if (index is null)
            {
                index = HeaderIndex(path, line);
                fields = new Range[index.Max() + 1];
                continue;
            }

            var problem = TryParse(line, index, fields, out var bar) ?? BarValidator.Problem(bar, last);
            if (problem is not null)
            {
                issues.Add($"line {lineNumber + linesBefore}: {problem}");
                continue;
            }

            if (count == bars.Length)
            {
                Array.Resize(ref bars, bars.Length * 2);
            }

            bars[count++] = bar;
            last = bar.Date;
        }

        return index is null
            ? throw new InvalidDataException($"{path}: empty file, expected a header {string.Join(",", Columns)}")
            : new BarFile(new ArraySegment<Bar>(bars, 0, count), issues);
    }

    /// <summary>Whether the bytes need CSV quoting or line-end rules the byte scanner does not implement.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool NeedsCsvRules(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || utf8.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || utf8.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            return true;
        }

        var rest = utf8;
        int at;
        while ((at = rest.IndexOfAny((byte)'"', (byte)'\r')) >= 0)
        {
            if (rest[at] == (byte)'"' || at + 1 >= rest.Length || rest[at + 1] != (byte)'\n')
            {
                return true;
            }

            rest = rest[(at + 2)..];
        }

        return false;
    }

    private static int[] HeaderIndex(string path, ReadOnlySpan<byte> line)
    {
        var header = Encoding.UTF8.GetString(line).Split(',').Select(h => h.Trim().ToLowerInvariant()).ToArray();
        var missing = Columns.Where(c => !header.Contains(c)).ToArray();
        return missing.Length > 0
            ? throw new InvalidDataException($"{path}: missing column(s) {string.Join(", ", missing)}")
            : Columns.Select(c => Array.IndexOf(header, c)).ToArray();
    }

    /// <summary>Parses one row; returns why it does not parse, or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? TryParse(ReadOnlySpan<byte> line, int[] index, Span<Range> fields, out Bar bar)
    {
        bar = default;
        var found = Split(line, fields);
        if (!TryDate(Field(line, fields, found, index[0]), out var date))
        {
            return $"date '{Text(line, fields, found, index[0])}' is not yyyy-MM-dd";
        }

        Span<double> values = stackalloc double[5];
        for (var i = 1; i < index.Length; i++)
        {
            if (index[i] >= found || !TryNumber(line[fields[index[i]]], out values[i - 1]))
            {
                return $"{date:yyyy-MM-dd}: {Columns[i]} '{Text(line, fields, found, index[i])}' is not a number";
            }
        }

        bar = new Bar(date, values[0], values[1], values[2], values[3], values[4]);
        return null;
    }

    /// <summary>The first <c>fields.Length</c> comma-separated fields of the line; returns how many there are.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Split(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        var start = 0;
        for (var k = 0; k < fields.Length; k++)
        {
            var comma = line[start..].IndexOf((byte)',');
            if (comma < 0)
            {
                fields[k] = start..line.Length;
                return k + 1;
            }

            fields[k] = start..(start + comma);
            start += comma + 1;
        }

        return fields.Length;
    }

    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> line, Span<Range> fields, int found, int column) =>
        column < found ? line[fields[column]] : default;

    // A field past the row's end reads as missing (CsvHelper's null), printed as ''.
    private static string Text(ReadOnlySpan<byte> line, Span<Range> fields, int found, int column) =>
        column < found ? Encoding.UTF8.GetString(line[fields[column]]) : "";

    /// <summary>
    /// A number as <see cref="double.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider?, out double)"/> reads it.
    /// Plain decimals of at most 15 digits with at most 22 after the point (every price and volume of a normal bar file)
    /// take Clinger's fast path: the digits and the power of ten are exact doubles, so one IEEE division gives the
    /// correctly rounded value, the same double the full parser returns. Anything else goes to the full parser.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryNumber(ReadOnlySpan<byte> field, out double value)
    {
        var i = field.Length > 0 && field[0] == (byte)'-' ? 1 : 0;
        ulong mantissa = 0;
        int digits = 0, scale = 0;
        var point = false;
        for (var k = i; k < field.Length; k++)
        {
            var b = field[k];
            if (b == (byte)'.' && !point)
            {
                point = true;
                continue;
            }

            var digit = (uint)(b - '0');
            if (digit > 9 || digits == 15)
            {
                return double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
            }

            mantissa = (mantissa * 10) + digit;
            digits++;
            scale += point ? 1 : 0;
        }

        if (digits == 0 || scale > 22)
        {
            return double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }

        value = scale == 0 ? mantissa : mantissa / PowersOfTen[scale];
        value = i == 1 ? -value : value;
        return true;
    }

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>yyyy-MM-dd: digits checked by hand on the common path, anything else decided by <see cref="DateOnly.TryParseExact(string, string, IFormatProvider, DateTimeStyles, out DateOnly)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryDate(ReadOnlySpan<byte> field, out DateOnly date)
    {
        if (field.Length == 10 && field[4] == (byte)'-' && field[7] == (byte)'-'
            && TryDigits(field[..4], out var year) && TryDigits(field.Slice(5, 2), out var month) && TryDigits(field.Slice(8, 2), out var day)
            && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
        {
            date = new DateOnly(year, month, day);
            return true;
        }

        return DateOnly.TryParseExact(Encoding.UTF8.GetString(field), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryDigits(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }
}

/// <summary>The good bars of a file and what was wrong with the others.</summary>
internal sealed record BarFile(ArraySegment<Bar> Bars, IReadOnlyList<string> Issues);
