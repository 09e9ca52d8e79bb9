namespace AlphaHost.Storage;

/// <summary>
/// Writes that are either entirely visible or not at all: a temp file beside the target (same folder, so the rename
/// never crosses a file system), written, flushed, then renamed over the target.
/// </summary>
public static class AtomicFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/>.</summary>
    /// <param name="path">The target file; its folder is created when missing.</param>
    /// <param name="content">The whole new content.</param>
    /// <param name="durable">Also force the bytes to disk before the rename and the rename itself after it (state a
    /// restart depends on); without it a crash still never shows a half-written file, only possibly the previous one.</param>
    /// <param name="ownerOnly">Readable and writable by the writing user alone (a file that may hold credentials).</param>
    public static void Write(string path, ReadOnlySpan<byte> content, bool durable = true, bool ownerOnly = false) =>
        WriteIf(path, content, unchanged: null, durable, ownerOnly);

    /// <summary>
    /// Like <see cref="Write(string, ReadOnlySpan{byte}, bool, bool)"/>, but asks <paramref name="unchanged"/> right before the rename (the temp file is complete by
    /// then, so the window left to another writer is as short as it gets) and leaves the target alone when it says no.
    /// </summary>
    /// <param name="path">The target file; its folder is created when missing.</param>
    /// <param name="content">The whole new content.</param>
    /// <param name="unchanged">Whether the target may still be replaced; null: always.</param>
    /// <param name="durable">See <see cref="Write(string, ReadOnlySpan{byte}, bool, bool)"/>.</param>
    /// <param name="ownerOnly">See <see cref="Write(string, ReadOnlySpan{byte}, bool, bool)"/>.</param>
    /// <returns>Whether the target was replaced.</returns>
    public static bool WriteIf(string path, ReadOnlySpan<byte> content, Func<bool>? unchanged, bool durable = true, bool ownerOnly = false) =>
        Replace(path, content, write: null, unchanged, durable, ownerOnly);

    /// <summary>Like <see cref="Write(string, ReadOnlySpan{byte}, bool, bool)"/>, the content streamed by <paramref name="write"/>;
    /// when it throws, the target keeps its previous content and the temp file is removed.</summary>
    /// <param name="path">The target file; its folder is created when missing.</param>
    /// <param name="write">Writes the whole new content to the stream it is given.</param>
    /// <param name="durable">See <see cref="Write(string, ReadOnlySpan{byte}, bool, bool)"/>.</param>
    /// <param name="ownerOnly">See <see cref="Write(string, ReadOnlySpan{byte}, bool, bool)"/>.</param>
    public static void Write(string path, Action<Stream> write, bool durable = true, bool ownerOnly = false) =>
        Replace(path, [], write, unchanged: null, durable, ownerOnly);

    private static bool Replace(string path, ReadOnlySpan<byte> content, Action<Stream>? write, Func<bool>? unchanged, bool durable, bool ownerOnly)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (ownerOnly && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temp, options))
            {
                if (write is null)
                {
                    stream.Write(content);
                }
                else
                {
                    write(stream);
                }

                stream.Flush(flushToDisk: durable);
            }

            if (unchanged is not null && !unchanged())
            {
                File.Delete(temp);
                return false;
            }

            File.Move(temp, path, overwrite: true);
            if (durable)
            {
                FolderSync.Flush(directory);
            }

            return true;
        }
        catch (IOException ex)
        {
            File.Delete(temp);
            throw new IOException(CannotWrite(path, ex), ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            File.Delete(temp);
            throw new UnauthorizedAccessException(CannotWrite(path, ex), ex);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Removes temp files that writers of <paramref name="path"/> left when they were killed mid-write: those of
    /// processes that no longer run (a live process's temp file is about to be renamed and is left alone).
    /// </summary>
    /// <param name="path">The target file whose leftovers are removed.</param>
    /// <returns>How many were removed.</returns>
    public static int RemoveStaleTemps(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var removed = 0;
        foreach (var temp in Directory.EnumerateFiles(directory, $".{Path.GetFileName(path)}.*.tmp"))
        {
            var parts = Path.GetFileName(temp).Split('.');
            if (parts.Length >= 4 && int.TryParse(parts[^3], out var pid) && !ProcessProbe.IsRunning(pid))
            {
                File.Delete(temp);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>The failure named by the target, not by the temp file the reader never asked for.</summary>
    private static string CannotWrite(string path, Exception ex) => $"{Path.GetFullPath(path)}: cannot write: {ex.Message}";
}
