using System.Runtime.InteropServices;
using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Daemon;

/// <summary>
/// The daemon's answer to POSIX signals, from its first line to its last. SIGTERM, SIGINT and SIGQUIT ask for a stop (also
/// during start-up, before the host's own console lifetime listens); SIGHUP asks for the configuration to be re-read at
/// once (the usual daemon convention) instead of killing the process; SIGUSR1, SIGUSR2 and SIGALRM, which nothing here
/// uses, are logged and ignored instead of ending the daemon without a word. A process inherits ignored signals from
/// its parent (SIGHUP under <c>nohup</c>, SIGINT and SIGQUIT in the background of a non-interactive shell), and the runtime
/// keeps them ignored: SIGHUP is set back to its default first (its handler here only re-reads the configuration, so
/// the daemon still never dies of it), SIGINT and SIGQUIT stay ignored as their parent asked, and a WARNING says so.
/// </summary>
internal sealed class DaemonSignals : IDisposable
{
    // Raw Linux numbers: PosixSignal names only the signals every platform has; PosixSignalRegistration takes others cast.
    private static readonly (PosixSignal Signal, string Name)[] Ignored =
        [((PosixSignal)10, "SIGUSR1"), ((PosixSignal)12, "SIGUSR2"), ((PosixSignal)14, "SIGALRM")];

    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(string Template, string Signal, bool Warning)> _early = [];
    private Serilog.ILogger? _log;
    private volatile string? _stopSignal;

    public DaemonSignals(ConfigReloadRequests reloads)
    {
        if (OperatingSystem.IsLinux() && InheritedIgnored(Sighup))
        {
            RestoreDefault(Sighup);
        }

        Register(PosixSignal.SIGTERM, "SIGTERM", Stop);
        Register(PosixSignal.SIGINT, "SIGINT", Stop);
        Register(PosixSignal.SIGQUIT, "SIGQUIT", Stop);
        Register(PosixSignal.SIGHUP, "SIGHUP", name =>
        {
            Log("{Signal} received: re-reading the configuration", name);
            reloads.Request();
        });
        if (OperatingSystem.IsLinux())
        {
            foreach (var (signal, name) in Ignored)
            {
                Register(signal, name, n => Log("{Signal} received and ignored: SIGHUP re-reads the configuration, SIGTERM or SIGINT stops the daemon", n));
            }

            foreach (var (number, name, effect) in (ReadOnlySpan<(int, string, string)>)[
                (Sighup, "SIGHUP", "it does not re-read the configuration (a saved change is still picked up within a cycle)"),
                (Sigint, "SIGINT", "only SIGTERM stops the daemon"),
                (Sigquit, "SIGQUIT", "only SIGTERM stops the daemon")])
            {
                if (InheritedIgnored(number))
                {
                    Log($"{{Signal}} arrives ignored (the parent process ignored it, as nohup or a background shell does): {effect}", name, warning: true);
                }
            }
        }
    }

    private const int Sighup = 1;
    private const int Sigint = 2;
    private const int Sigquit = 3;

    /// <summary>Cancelled by the first stop signal.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>The stop signal received, or null.</summary>
    public string? StopSignal => _stopSignal;

    /// <summary>Where messages go once the daemon's logger exists; those of signals that came before are written there first.</summary>
    public void LogTo(Serilog.ILogger logger)
    {
        lock (_early)
        {
            _log = logger.ForContext<DaemonSignals>();
            foreach (var (template, signal, warning) in _early)
            {
                Write(_log, template, signal, warning);
            }

            _early.Clear();
        }
    }

    public void Dispose()
    {
        // Signals that came before there was a log (a bad config, a held lock) are not lost either.
        lock (_early)
        {
            foreach (var (template, signal, _) in _early)
            {
                Console.Error.WriteLine(template.Replace("{Signal}", signal, StringComparison.Ordinal));
            }
        }

        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }

    private void Register(PosixSignal signal, string name, Action<string> handle)
    {
        try
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                handle(name);
            }));
        }
        catch (Exception ex) when (ex is PlatformNotSupportedException or IOException)
        {
            // Not on this platform (Windows has only the console events): the default action stays.
        }
    }

    private void Stop(string name)
    {
        if (_stopSignal is null)
        {
            _stopSignal = name;
            Log("{Signal} received: stopping", name);
        }

        _stop.Cancel();
    }

    private void Log(string template, string signal, bool warning = false)
    {
        lock (_early)
        {
            if (_log is { } log)
            {
                Write(log, template, signal, warning);
            }
            else
            {
                _early.Add((template, signal, warning));
            }
        }
    }

    private static void Write(Serilog.ILogger log, string template, string signal, bool warning)
    {
        if (warning)
        {
            log.Warning(template, signal);
        }
        else
        {
            log.Information(template, signal);
        }
    }

    /// <summary>Whether the signal is ignored right now (before a handler is registered: as inherited), from the kernel's own mask.</summary>
    private static bool InheritedIgnored(int signal)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && ulong.TryParse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, null, out var mask)
            && (mask & (1UL << (signal - 1))) != 0;
    }

    private static void RestoreDefault(int signal) => _ = SetDisposition(signal, IntPtr.Zero);

    [DllImport("libc", EntryPoint = "signal", SetLastError = true)]
    private static extern IntPtr SetDisposition(int signal, IntPtr handler);
}
