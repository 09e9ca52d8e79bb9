namespace AlphaHost.Storage;

/// <summary>
/// The line discipline of every JSON-lines file: a line is appended in one write call; a line cut short by a crash (no
/// newline at the end of the file) is closed with a newline by the next append, or cut off by a writer that keeps the file
/// open, so it never swallows the next line; readers skip it.
/// </summary>
public static class JsonLines
{
    private const FileShare Shared = FileShare.ReadWrite | FileShare.Delete;

    /// <summary>Appends <paramref name="line"/> and a newline to <paramref name="path"/> (created with its folder when missing).</summary>
    /// <param name="path">The journal file.</param>
    /// <param name="line">One JSON object, without a newline.</param>
    /// <param name="durable">fsync(2) after the write: the line survives a power loss once this returns.</param>
    public static void Append(string path, ReadOnlySpan<byte> line, bool durable)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var torn = EndsTorn(path);
        var bytes = new byte[line.Length + (torn ? 2 : 1)];
        var at = 0;
        if (torn)
        {
            bytes[at++] = (byte)'\n';
        }

        line.CopyTo(bytes.AsSpan(at));
        bytes[^1] = (byte)'\n';
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, Shared);
        stream.Write(bytes);
        stream.Flush(flushToDisk: durable);
    }

    /// <summary>
    /// Opens <paramref name="path"/> for a writer that keeps it open and appends whole lines: a last line cut short by an
    /// interrupted write is cut off first, and the stream is left at the end.
    /// </summary>
    /// <param name="path">The journal file, created with its folder when missing.</param>
    /// <param name="dropped">How many bytes of a cut-short last line were removed (0 when the file ended in a newline).</param>
    /// <returns>The open stream; readers may open the file meanwhile.</returns>
    public static FileStream OpenForAppend(string path, out long dropped)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            dropped = TrimPartialLine(stream);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Every non-empty line of <paramref name="path"/> that <paramref name="parse"/> reads, oldest first.</summary>
    /// <typeparam name="T">The record of a line.</typeparam>
    /// <param name="path">The journal file; missing reads as empty.</param>
    /// <param name="parse">One line to its record; null for a line that is not one (cut short by a crash, edited by hand).</param>
    /// <param name="unreadable">How many non-empty lines <paramref name="parse"/> refused.</param>
    /// <returns>The readable records.</returns>
    public static IReadOnlyList<T> Read<T>(string path, Func<string, T?> parse, out int unreadable)
        where T : class
    {
        unreadable = 0;
        if (!File.Exists(path))
        {
            return [];
        }

        var entries = new List<T>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (parse(line) is { } entry)
            {
                entries.Add(entry);
            }
            else
            {
                unreadable++;
            }
        }

        return entries;
    }

    /// <summary>Whether the file exists and its last byte is not a newline (a line cut short by a crash).</summary>
    private static bool EndsTorn(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, Shared);
            var length = RandomAccess.GetLength(handle);
            Span<byte> last = stackalloc byte[1];
            return length > 0 && RandomAccess.Read(handle, last, length - 1) == 1 && last[0] != (byte)'\n';
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Cuts everything after the last line end and leaves the stream at the end. Returns the bytes cut.</summary>
    private static long TrimPartialLine(FileStream stream)
    {
        var length = stream.Length;
        var keep = length;
        var buffer = new byte[4096];
        while (keep > 0)
        {
            var start = Math.Max(0, keep - buffer.Length);
            stream.Position = start;
            stream.ReadExactly(buffer, 0, (int)(keep - start));
            var newline = Array.LastIndexOf(buffer, (byte)'\n', (int)(keep - start) - 1);
            if (newline >= 0)
            {
                keep = start + newline + 1;
                break;
            }

            keep = start;
        }

        if (keep < length)
        {
            stream.SetLength(keep);
        }

        stream.Seek(0, SeekOrigin.End);
        return length - keep;
    }
}
