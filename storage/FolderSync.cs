using System.Runtime.InteropServices;

namespace AlphaHost.Storage;

/// <summary>Makes the renames and creations in a folder durable: fsync(2) on the folder itself (a no-op on Windows, where NTFS journals them).</summary>
public static class FolderSync
{
    /// <summary>Flushes <paramref name="folder"/>'s entries to disk.</summary>
    /// <param name="folder">The folder whose entries changed.</param>
    /// <exception cref="IOException">The folder cannot be opened or flushed; the message names it.</exception>
    public static void Flush(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(folder, 0);
        if (fd < 0)
        {
            throw new IOException($"cannot open {folder} to flush it: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"cannot flush {folder}: {Marshal.GetLastPInvokeErrorMessage()}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
