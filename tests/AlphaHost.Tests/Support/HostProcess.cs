using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AlphaHost.Tests.Support;

/// <summary>The built <c>alphahost</c> running as a real process in a scratch working directory.</summary>
internal sealed class HostProcess : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private HostProcess(Process process, string workingDirectory)
    {
        _process = process;
        WorkingDirectory = workingDirectory;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string WorkingDirectory { get; }

    public int Id => _process.Id;

    public string LiveLog => Path.Combine(WorkingDirectory, "runtime", "logs", "live.jsonl");

    public string ErrorLog => Path.Combine(WorkingDirectory, "runtime", "logs", "errors.jsonl");

    public string LatestSignals => Path.Combine(WorkingDirectory, "runtime", "signals", "latest.json");

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static HostProcess Start(string workingDirectory, params string[] args) => Start(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>Starts the host with extra environment variables (e.g. a GC heap limit).</summary>
    public static HostProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        if (!File.Exists(TestPaths.HostDll))
        {
            throw new InvalidOperationException($"{TestPaths.HostDll} is missing: build the solution before running the tests");
        }

        return Launch(workingDirectory, environment, TestPaths.HostDll, args);
    }

    /// <summary>Starts this test assembly as a process in the role <paramref name="role"/> of <see cref="TestChild"/>.</summary>
    public static HostProcess StartChild(string workingDirectory, string role, params string[] args) =>
        Launch(workingDirectory, new Dictionary<string, string>(), typeof(TestChild).Assembly.Location, [role, .. args]);

    private static HostProcess Launch(string workingDirectory, IReadOnlyDictionary<string, string> environment, string dll, string[] args)
    {
        RestoreDefaultInterrupt();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new HostProcess(Process.Start(start)!, workingDirectory);
    }

    /// <summary>Starts the host through <c>/bin/sh -c '&lt;prefix&gt; dotnet host.dll …'</c>, e.g. <c>trap '' INT; exec nohup</c> to start it with signals ignored.</summary>
    public static HostProcess StartThroughShell(string workingDirectory, string shellPrefix, params string[] args)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"{shellPrefix} \"$0\" \"$@\"");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(TestPaths.HostDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new HostProcess(Process.Start(start)!, workingDirectory);
    }

    /// <summary>Runs a command to completion and returns its exit code.</summary>
    public static async Task<(int ExitCode, HostProcess Process)> RunAsync(string workingDirectory, params string[] args)
    {
        var process = Start(workingDirectory, args);
        return (await process.WaitForExitAsync(), process);
    }

    /// <summary>Runs a command to completion with extra environment variables and returns its exit code.</summary>
    public static async Task<(int ExitCode, HostProcess Process)> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var process = Start(workingDirectory, environment, args);
        return (await process.WaitForExitAsync(), process);
    }

    public async Task<int> WaitForExitAsync()
    {
        using var cts = new CancellationTokenSource(Patience);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void SendSignal(int signal)
    {
        Assert.Equal(0, Kill(_process.Id, signal));
    }

    /// <summary>The log lines of <paramref name="path"/> as JSON, once <paramref name="until"/> holds for them.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForLogAsync(Func<IReadOnlyList<JsonElement>, bool> until, string? path = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var lines = ReadLog(path ?? LiveLog);
            if (until(lines))
            {
                return lines;
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"log condition not met (exited={_process.HasExited}).\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            }

            await Task.Delay(50);
        }
    }

    public static IReadOnlyList<JsonElement> ReadLog(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var result = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
        {
            if (line.EndsWith('}'))
            {
                result.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        return result;
    }

    /// <summary>Whether a record is the daemon's heartbeat: the host's own (<c>origin: host</c>), never a family's line that looks like one.</summary>
    public static bool IsHeartbeat(JsonElement line) =>
        line.GetProperty("message").GetString()!.StartsWith("[HEARTBEAT]", StringComparison.Ordinal)
        && line.TryGetProperty("origin", out var origin) && origin.GetString() == "host";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is not null)
        {
            lock (buffer)
            {
                buffer.AppendLine(line);
            }
        }
    }

    /// <summary>
    /// A test run started in the background by a non-interactive shell inherits SIGINT as ignored, and so would every
    /// daemon it starts (POSIX keeps an inherited ignore across exec), which makes the SIGINT test meaningless. Reset it
    /// to the default, as an operator's interactive shell has it, before starting children.
    /// </summary>
    private static void RestoreDefaultInterrupt()
    {
        const int Sigint = 2;
        var status = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) : null;
        if (status is not null && (Convert.ToUInt64(status["SigIgn:".Length..].Trim(), 16) & (1UL << (Sigint - 1))) != 0)
        {
            Signal(Sigint, IntPtr.Zero);
        }
    }

    [DllImport("libc", EntryPoint = "signal", SetLastError = true)]
    private static extern IntPtr Signal(int signal, IntPtr handler);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
