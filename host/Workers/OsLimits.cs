using System.Runtime.InteropServices;

namespace AlphaHost.Host.Workers;

/// <summary>The few operating-system calls worker supervision needs (Linux).</summary>
internal static class OsLimits
{
    private const int RlimitData = 2;

    /// <summary>
    /// The address space a worker's runtime needs besides the family's own budget (runtime, JIT, plugin code, thread
    /// stacks), with room to spare, so that a worker is stopped for its family's own allocations, never for the runtime's.
    /// </summary>
    public const int RuntimeOverheadMb = 256;

    /// <summary>
    /// Caps this process's data segment (private writable memory, managed and native alike) at the family's budget plus
    /// <see cref="RuntimeOverheadMb"/>: an allocation beyond it fails (an OutOfMemoryException in .NET code) instead of
    /// taking memory from the host and the other families.
    /// </summary>
    public static void LimitDataSegment(int familyMb)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var bytes = (ulong)(familyMb + RuntimeOverheadMb) << 20;
        var limit = new RLimit { Current = bytes, Max = bytes };
        if (SetRLimit(RlimitData, ref limit) != 0)
        {
            Console.Error.WriteLine($"worker: setrlimit(RLIMIT_DATA) failed with errno {Marshal.GetLastPInvokeError()}; the memory limit rests on the GC heap limit and the host's RSS check");
        }
    }

    /// <summary>Ends the process at once: no exit handlers, no finalizers (a plugin may have registered ones that block).</summary>
    public static void ExitNow(int code)
    {
        if (OperatingSystem.IsLinux())
        {
            RawExit(code);
        }

        // Where _exit(2) is not reached the worker ends the managed way; this is the one exit path of a worker process.
#pragma warning disable RS0030
        Environment.Exit(code);
#pragma warning restore RS0030
    }

    /// <summary>
    /// Resident memory (MB) and thread count of a process, from one read of <c>/proc/PID/status</c>; null when it cannot
    /// be read (the process exited).
    /// </summary>
    public static (long ResidentMb, int Threads)? Usage(int pid)
    {
        try
        {
            long? residentKb = null;
            int? threads = null;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    residentKb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line["Threads:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            return residentKb is { } kb && threads is { } count ? (kb / 1024, count) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The name of a signal number, for exit reports (a process killed by signal N exits with 128 + N).</summary>
    public static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => $"signal {signal}",
    };

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static extern int SetRLimit(int resource, ref RLimit limit);

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void RawExit(int code);
}
