using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Daemon;

/// <summary>
/// <c>runtime/.lock</c>, held exclusively by the one daemon that owns the runtime folder for as long as it runs. .NET opens
/// a file with <see cref="FileShare.None"/> under an exclusive <c>flock</c> on Linux, which the kernel releases when the
/// process ends however it ends (no stale lock after <c>kill -9</c>). The pid is written into it for people (<c>cat</c>
/// does not take the lock); commands find the daemon's facts in <c>daemon.json</c>.
/// </summary>
internal sealed class RuntimeLock : IDisposable
{
    private const int EWouldBlock = 11;
    private const int SharingViolation = 32;

    /// <summary>How long a starting daemon keeps trying: a command probing the lock holds it for a moment.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMilliseconds(500);

    private readonly FileStream _stream;

    private RuntimeLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock, or returns null when another process holds it. Creates the runtime folder itself, nothing else.</summary>
    public static RuntimeLock? TryAcquire(RuntimePaths paths, TimeProvider clock)
    {
        Directory.CreateDirectory(paths.RuntimeDir);
        var deadline = clock.GetUtcNow() + Patience;
        while (true)
        {
            try
            {
                var stream = new FileStream(paths.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                stream.SetLength(0);
                stream.Write(System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"));
                stream.Flush(flushToDisk: true);
                return new RuntimeLock(stream);
            }
            catch (IOException ex) when (IsHeldElsewhere(ex))
            {
                if (clock.GetUtcNow() >= deadline)
                {
                    return null;
                }

                Thread.Sleep(50);
            }
        }
    }

    /// <summary>Whether a process holds the lock of <paramref name="paths"/> right now. Never creates anything.</summary>
    public static bool IsHeld(RuntimePaths paths)
    {
        try
        {
            // A shared lock for reading: refused while a daemon holds the exclusive one, granted (and dropped) otherwise.
            using var probe = new FileStream(paths.LockFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return false;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (IOException ex) when (IsHeldElsewhere(ex))
        {
            return true;
        }
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>
    /// The sharing violation .NET raises when <c>flock</c> refuses: on Unix its HResult is the errno (EWOULDBLOCK, 11 on
    /// Linux), on Windows ERROR_SHARING_VIOLATION (32). Other I/O errors (read-only disk, ...) are real errors.
    /// </summary>
    private static bool IsHeldElsewhere(IOException ex) =>
        ex.GetType() == typeof(IOException) && (ex.HResult == EWouldBlock || (ex.HResult & 0xFFFF) == SharingViolation);
}
