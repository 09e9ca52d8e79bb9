using System.Text;

namespace AlphaHost.Host.Internal;

/// <summary>The whole lines at the end of a log a daemon may still be appending to.</summary>
internal static class FileTail
{
    /// <summary>The whole lines of the last <paramref name="bytes"/> of a file (none when it is missing or unreadable).</summary>
    public static string[] Lines(string path, int bytes)
    {
        byte[] data;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var start = Math.Max(0, file.Length - bytes);
            file.Seek(start, SeekOrigin.Begin);
            data = new byte[file.Length - start];
            file.ReadExactly(data);
            if (start > 0)
            {
                var newline = Array.IndexOf(data, (byte)'\n');
                data = newline < 0 ? [] : data[(newline + 1)..];
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        return Encoding.UTF8.GetString(data).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
