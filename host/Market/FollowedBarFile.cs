using System.Buffers;
using System.Text;
using AlphaHost.Abstractions;
using CsvHelper;

namespace AlphaHost.Host.Market;

/// <summary>
/// One file's good bars, extended by rows appended later. Only the bytes after the last complete line read are read
/// again, so a daily drop costs a line a file, not the whole history. A file that shrank or whose bytes before that
/// point changed was rewritten: it is read again whole and only rows dated after the last good bar count.
/// </summary>
internal sealed class FollowedBarFile
{
    private const int TailLength = 256;
    private Bar[] _bars;
    private int _count;
    private string _header = "";           // the column line, put before appended rows so they parse alike
    private long _offset;                   // bytes read up to the end of the last complete line
    private long _lines;                    // complete lines read after the header, for line numbers in problems
    private byte[] _tail = [];              // the last bytes before _offset: changed means rewritten
    private byte[] _unterminated = [];      // a last line without a line end, read at open
    private int _issuesSeen;                // problems reported so far, not repeated by a whole re-read

    private FollowedBarFile(BarFile file, string stamp, byte[] bytes, int length)
    {
        // The reader's array, slack included (a row or two): no copy, so the loaded bars cost their own size.
        _bars = file.Bars.Array!;
        _count = file.Bars.Count;
        _issuesSeen = file.Issues.Count;
        Stamp = stamp;
        Consumed(bytes, length);
    }

    /// <summary>The good bars so far. Appending never changes a segment already handed out.</summary>
    public ArraySegment<Bar> Bars => new(_bars, 0, _count);

    public string Stamp { get; private set; }

    /// <summary>
    /// Reads the whole file opened by <see cref="BarFolderEntry"/> (and disposes the stream), a last line without a line
    /// end included (at open the file counts as finished).
    /// </summary>
    public static (BarFile File, FollowedBarFile Followed) Read(string path, FileStream opened)
    {
        using var stream = opened;
        var stamp = StampOf(path);
        var length = (int)stream.Length; // at most Array.MaxLength: BarFolderEntry refuses larger files
        var bytes = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            stream.ReadExactly(bytes, 0, length);
            var file = BarFileReader.Read(path, bytes.AsSpan(0, length));
            return (file, new FollowedBarFile(file, stamp, bytes, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    public static string StampOf(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? $"{info.Length}:{info.LastWriteTimeUtc.Ticks}" : "missing";
    }

    /// <param name="refusal">Why the file is not read now although it may be there (a name another file shares), or null.</param>
    public void Follow(string path, string symbol, List<DataIssue> issues, long maxBytes, string? refusal)
    {
        var stamp = StampOf(path);
        if (stamp == Stamp)
        {
            return;
        }

        try
        {
            if (refusal is not null)
            {
                throw new InvalidDataException(refusal);
            }

            using var stream = BarFolderEntry.Open(path, maxBytes, BarFileLimits.BarKey);
            if (IsRewritten(stream))
            {
                ReadWhole(stream, path, symbol, issues);
            }
            else
            {
                ReadAppended(stream, path, symbol, issues);
            }

            Stamp = stamp;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or CsvHelperException)
        {
            issues.Add(new DataIssue(symbol, $"appended rows not read: {ex.Message}"));
            Stamp = stamp;
        }
    }

    /// <summary>Whether the bytes read before are no longer where they were (the file was replaced or edited).</summary>
    private bool IsRewritten(FileStream stream)
    {
        if (_offset == 0 || stream.Length < _offset + _unterminated.Length)
        {
            return true;
        }

        var actual = new byte[_tail.Length + _unterminated.Length];
        stream.Position = _offset - _tail.Length;
        stream.ReadExactly(actual);
        return !actual.AsSpan(0, _tail.Length).SequenceEqual(_tail) || !actual.AsSpan(_tail.Length).SequenceEqual(_unterminated);
    }

    private void ReadAppended(FileStream stream, string path, string symbol, List<DataIssue> issues)
    {
        stream.Position = _offset;
        var appended = new byte[stream.Length - _offset];
        stream.ReadExactly(appended);

        // A row still being written (no line end yet) could parse as a wrong number: only complete lines count.
        var complete = appended.AsSpan().LastIndexOf((byte)'\n') + 1;
        if (complete == 0)
        {
            return;
        }

        // The last line at open had no line end but was read: when the writer only ended it, it is not read twice.
        var lines = appended.AsSpan(0, complete);
        var skipped = 0L;
        if (_unterminated.Length > 0 && lines.IndexOf((byte)'\n') is var end && lines[.._unterminated.Length].SequenceEqual(_unterminated)
            && lines[_unterminated.Length..(end + 1)].TrimEnd("\r\n"u8).IsEmpty)
        {
            lines = lines[(end + 1)..];
            skipped = 1;
        }

        var header = Encoding.UTF8.GetBytes(_header + "\n");
        var text = new byte[header.Length + lines.Length];
        header.CopyTo(text, 0);
        lines.CopyTo(text.AsSpan(header.Length));
        var file = BarFileReader.Read(path, text, _lines + skipped, _count > 0 ? _bars[_count - 1].Date : null);
        Append(file.Bars);
        issues.AddRange(file.Issues.Select(i => new DataIssue(symbol, i)));
        _issuesSeen += file.Issues.Count;
        _lines += appended.AsSpan(0, complete).Count((byte)'\n');
        _offset += complete;
        _unterminated = [];
        _tail = new byte[Math.Min(_offset, TailLength)];
        stream.Position = _offset - _tail.Length;
        stream.ReadExactly(_tail);
    }

    private void ReadWhole(FileStream stream, string path, string symbol, List<DataIssue> issues)
    {
        stream.Position = 0;
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var complete = bytes.AsSpan().LastIndexOf((byte)'\n') + 1;
        var file = BarFileReader.Read(path, bytes.AsSpan(0, complete));
        var last = _count > 0 ? _bars[_count - 1].Date : DateOnly.MinValue;
        Append(file.Bars.Where(b => b.Date > last).ToArray());
        issues.AddRange(file.Issues.Skip(_issuesSeen).Select(i => new DataIssue(symbol, i)));
        _issuesSeen = Math.Max(_issuesSeen, file.Issues.Count);
        Consumed(bytes, complete);
    }

    private void Append(ArraySegment<Bar> bars)
    {
        if (_count + bars.Count > _bars.Length)
        {
            Array.Resize(ref _bars, Math.Max(_bars.Length * 2, _count + bars.Count));
        }

        bars.AsSpan().CopyTo(_bars.AsSpan(_count));
        _count += bars.Count;
    }

    /// <summary>
    /// Records that the file's first <paramref name="length"/> bytes were read. Reading on starts after the last line
    /// end; a last line without one is kept to recognise it.
    /// </summary>
    private void Consumed(byte[] bytes, int length)
    {
        var span = bytes.AsSpan(0, length);
        var complete = span.LastIndexOf((byte)'\n') + 1;
        var headerEnd = span.IndexOf((byte)'\n');
        _header = headerEnd < 0 ? "" : Encoding.UTF8.GetString(span[..headerEnd]).TrimStart('\uFEFF').TrimEnd('\r');
        _lines = Math.Max(0, span[..complete].Count((byte)'\n') - 1);
        _offset = complete;
        _unterminated = span[complete..].ToArray();
        _tail = span[Math.Max(0, complete - TailLength)..complete].ToArray();
    }
}
