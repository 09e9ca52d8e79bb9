namespace AlphaHost.Storage;

/// <summary>Whether the process that named a temp file after itself still runs, so that its temp file is left alone.</summary>
public static class ProcessProbe
{
    /// <summary>True while the process <paramref name="pid"/> runs.</summary>
    /// <param name="pid">The process id written into a temp file's name.</param>
    /// <returns>Whether the process runs.</returns>
    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
