namespace AlphaHost.Plugins.MlAlpha.Internal;

/// <summary>Reads an input file that is small by nature (a contract, a model's metadata) whole, but never more than a bound.</summary>
internal static class SmallFile
{
    /// <summary>
    /// The file's bytes; <see cref="InvalidDataException"/> naming the file when it holds more than <paramref name="maxBytes"/>
    /// (a file linked to <c>/dev/zero</c> would otherwise be read until memory runs out).
    /// </summary>
    /// <remarks>
    /// A file of length 0 is refused without being opened: opening a FIFO waits for a writer that may never come (a model
    /// scan would hang), and a device such as <c>/dev/zero</c> reports no length either. An empty file is not valid JSON anyway.
    /// </remarks>
    public static byte[] Read(string path, int maxBytes)
    {
        if (new FileInfo(path) is { Exists: true, Length: 0 })
        {
            throw new InvalidDataException($"{path}: empty, or not a regular file");
        }

        using var stream = File.OpenRead(path);
        var buffer = new byte[Math.Min(maxBytes + 1L, stream.CanSeek && stream.Length > 0 ? stream.Length + 1 : 81920)];
        using var content = new MemoryStream();
        for (int n; (n = stream.Read(buffer)) > 0;)
        {
            if (content.Length + n > maxBytes)
            {
                throw new InvalidDataException($"{path}: more than {maxBytes:N0} bytes; not a file of this kind");
            }

            content.Write(buffer, 0, n);
        }

        return content.ToArray();
    }
}
