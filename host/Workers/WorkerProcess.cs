using System.Collections.Concurrent;
using System.Diagnostics;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Logging;

namespace AlphaHost.Host.Workers;

/// <summary>
/// One running worker process, seen from the host: requests go out on its standard input, replies and log events
/// come back on its standard output (a reader task matches replies to requests by sequence number), and the last
/// lines of its standard error are kept for the report when it dies. Nothing here blocks the caller beyond the
/// budget it passes. Its standard error is read in bounded lines under a byte budget (<see cref="WorkerOutput"/>); a
/// frame the protocol does not allow (a length beyond <see cref="WorkerProtocol.MaxWorkerFrameBytes"/>, a type a
/// worker does not send, a reply to no request) kills the worker with the reason.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private const int StderrLines = 200;
    private readonly Process _process;
    private readonly string _family;
    private readonly Serilog.ILogger _log;
    private readonly PluginLogGate _pluginLog;
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<Frame>> _pending = new();
    private readonly Queue<string> _stderr = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private uint _sequence;
    private Task _stderrRead = Task.CompletedTask;

    private WorkerProcess(Process process, string family, Serilog.ILogger log, TimeProvider clock, WorkerOutputOptions outputOptions, OutputTally dropped, PluginLogGate pluginLog)
    {
        _process = process;
        _family = family;
        _log = log;
        _pluginLog = pluginLog;
        Pid = process.Id;
        Output = new WorkerOutput(outputOptions, clock, dropped, KeepStderr, reason => Kill($"worker killed: {reason}"));
    }

    public int Pid { get; }

    /// <summary>Its console output as read so far: whether it floods, and what was dropped.</summary>
    public WorkerOutput Output { get; }

    /// <summary>Set once the process has exited: what happened, for the log and the heartbeat.</summary>
    public string? ExitReason { get; private set; }

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>Starts <c>alphahost worker</c> for one instance of one family of one plugin folder.</summary>
    /// <param name="pluginFolder">The plugin folder.</param>
    /// <param name="family">The family the worker constructs.</param>
    /// <param name="instance">The configured instance it serves: its log events carry this name.</param>
    /// <param name="memoryLimitMb">The family's memory budget: the worker's GC heap limit and its data-segment limit.</param>
    /// <param name="outputOptions">The bounds on its console output.</param>
    /// <param name="dropped">The family's count of dropped console bytes.</param>
    /// <param name="log">The host's own log (what the host says about the worker).</param>
    /// <param name="pluginLog">Where the family's own log events go: stamped as the family's and within its budget.</param>
    public static WorkerProcess Start(string pluginFolder, string family, string instance, int? memoryLimitMb, WorkerOutputOptions outputOptions, OutputTally dropped,
        Serilog.ILogger log, TimeProvider clock, PluginLogGate pluginLog)
    {
        var start = WorkerStartInfo.Create(pluginFolder, family, instance, memoryLimitMb);
        var process = Process.Start(start) ?? throw new InvalidOperationException("the worker process could not be started");
        var worker = new WorkerProcess(process, instance, log, clock, outputOptions, dropped, pluginLog);

        // Raw bytes into fixed buffers: a line reader (BeginErrorReadLine) buffers a line without newline without limit.
        var stderr = process.StandardError.BaseStream;
        worker._stderrRead = Task.Factory.StartNew(() => worker.Output.ReadToEnd(stderr), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _ = Task.Factory.StartNew(worker.ReadLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return worker;
    }

    /// <summary>
    /// Waits until the worker's runtime is up, at most <paramref name="budget"/>. Starting a .NET process costs CPU time of
    /// its own, much more on a busy machine; the family's own initialization budget starts after it, so it is never charged for it.
    /// </summary>
    public async Task WaitUntilUpAsync(TimeSpan budget)
    {
        try
        {
            await _hello.Task.WaitAsync(budget).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new WorkerFailedException($"the worker process did not come up within {budget.TotalSeconds:0} s");
        }
    }

    /// <summary>Sends a request and waits for its reply within <paramref name="budget"/>.</summary>
    /// <exception cref="TimeoutException">No reply within the budget (the request stays pending; see <see cref="Send"/>).</exception>
    /// <exception cref="WorkerFailedException">The worker replied with an error, or exited.</exception>
    public async Task<byte[]> RequestAsync(FrameType type, byte[] payload, TimeSpan budget)
    {
        var reply = Send(type, payload, budget, out _);
        return await WaitAsync(reply, budget).ConfigureAwait(false);
    }

    /// <summary>Sends a request; returns the task of its reply, which completes whenever the worker answers (or exits).</summary>
    public Task<Frame> Send(FrameType type, byte[] payload, TimeSpan writeBudget, out uint sequence)
    {
        sequence = Interlocked.Increment(ref _sequence);
        var reply = new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (HasExited)
        {
            reply.SetException(new WorkerFailedException(ExitReason ?? "the worker has exited"));
            return reply.Task;
        }

        _pending[sequence] = reply;
        var frame = new Frame(type, sequence, payload);
        _ = WriteAsync(frame, writeBudget);
        return reply.Task;
    }

    /// <summary>Asks the worker to cancel the computation in progress (its token); the reply still comes, or not.</summary>
    public void Cancel() => _ = WriteAsync(new Frame(FrameType.Cancel, 0, []), TimeSpan.FromSeconds(1));

    public static async Task<byte[]> WaitAsync(Task<Frame> reply, TimeSpan budget)
    {
        var frame = await reply.WaitAsync(budget > TimeSpan.Zero ? budget : TimeSpan.Zero).ConfigureAwait(false);
        if (frame.Type != FrameType.Error)
        {
            return frame.Payload;
        }

        using var reader = WorkerProtocol.Reader(frame.Payload);
        throw new WorkerFailedException(reader.ReadString(), exited: false) { IsSettingsError = reader.ReadBoolean(), OutOfMemory = reader.ReadBoolean() };
    }

    /// <summary>Resident memory and threads of the worker, or null when unknown.</summary>
    public (long ResidentMb, int Threads)? Usage() => HasExited ? null : OsLimits.Usage(Pid);

    /// <summary>Kills the worker (and anything it started); <paramref name="reason"/> becomes its exit reason.</summary>
    public void Kill(string reason)
    {
        if (HasExited)
        {
            return;
        }

        ExitReason ??= reason;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Asks the worker to dispose its family and exit; kills it when that takes longer than <paramref name="budget"/>.</summary>
    public async Task StopAsync(TimeSpan budget)
    {
        if (!HasExited)
        {
            try
            {
                await RequestAsync(FrameType.Dispose, [], budget).ConfigureAwait(false);
                await _exited.Task.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or WorkerFailedException)
            {
                _log.ForContext("SourceContext", LoggingCategories.FamilyPrefix + _family)
                    .Warning("Family {Family} did not dispose cleanly within {BudgetMs} ms ({Error}); its worker was killed", _family, (long)budget.TotalMilliseconds, ex.Message);
            }
        }

        Kill("stopped by the host");
        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Kill("stopped by the host");
        try
        {
            await _exited.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The kernel will reap it; nothing more a host can do.
        }

        _process.Dispose();
        _writeLock.Dispose();
    }

    private async Task WriteAsync(Frame frame, TimeSpan budget)
    {
        try
        {
            if (!await _writeLock.WaitAsync(budget).ConfigureAwait(false))
            {
                Fail(frame.Sequence, new TimeoutException("the worker's input stayed busy"));
                return;
            }

            try
            {
                using var cts = new CancellationTokenSource(budget);
                await WorkerProtocol.WriteAsync(_process.StandardInput.BaseStream, frame, cts.Token).ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            Fail(frame.Sequence, new WorkerFailedException($"could not send to the worker: {ex.Message}"));
        }
    }

    private void Fail(uint sequence, Exception error)
    {
        if (sequence != 0 && _pending.TryRemove(sequence, out var reply))
        {
            reply.TrySetException(error);
        }
    }

    private void ReadLoop()
    {
        var output = _process.StandardOutput.BaseStream;
        try
        {
            while (WorkerProtocol.Read(output, WorkerProtocol.MaxWorkerFrameBytes) is { } frame)
            {
                switch (frame.Type)
                {
                    case FrameType.Hello when frame.Sequence == 0:
                        _hello.TrySetResult();
                        break;
                    case FrameType.Log when frame.Sequence == 0:
                        if (WorkerLogEvent.Forward(frame.Payload, _pluginLog) is { } unreadable)
                        {
                            KeepStderr($"(host: a log event of the worker could not be read: {unreadable})");
                        }

                        break;
                    case FrameType.Reply or FrameType.Error when frame.Sequence != 0 && frame.Sequence <= Volatile.Read(ref _sequence):
                        if (_pending.TryRemove(frame.Sequence, out var reply))
                        {
                            reply.TrySetResult(frame);
                        }

                        break;
                    default:
                        throw new InvalidDataException($"a frame of type {(byte)frame.Type} with sequence number {frame.Sequence}, which a worker does not send");
                }
            }
        }
        catch (InvalidDataException ex)
        {
            // Whatever follows cannot be framed again: the worker is stopped, its family restarted on the back-off.
            Kill($"worker killed: it broke the worker protocol on its standard output ({ex.Message})");
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or ObjectDisposedException)
        {
            KeepStderr($"(host: the worker's output broke off: {ex.Message})");
        }

        _process.WaitForExit();

        // The last lines of its standard error say why it died: read them to the end (a grandchild holding the pipe open is not waited for).
        Task.WaitAny([_stderrRead], TimeSpan.FromSeconds(2));
        ExitReason ??= Describe(_process.ExitCode);

        _exited.TrySetResult();
        _hello.TrySetException(new WorkerFailedException(ExitReason));
        var failure = new WorkerFailedException(ExitReason);
        foreach (var sequence in _pending.Keys.ToArray())
        {
            Fail(sequence, failure);
        }
    }

    private string Describe(int exitCode)
    {
        var code = exitCode > 128 && exitCode < 160
            ? $"killed by {OsLimits.SignalName(exitCode - 128)} (exit code {exitCode})"
            : $"exited with code {exitCode}";
        string[] tail;
        lock (_stderr)
        {
            // Stack frames say where, the lines around them say what ("Process terminated. ...", the exception): keep those.
            tail = _stderr.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("at ", StringComparison.Ordinal) && !l.StartsWith("---", StringComparison.Ordinal))
                .TakeLast(3).Select(l => l.Length > 300 ? l[..300] + "..." : l).ToArray();
        }

        return tail.Length == 0 ? $"worker {code}" : $"worker {code}; last stderr: {string.Join(" | ", tail)}";
    }

    private void KeepStderr(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stderr)
        {
            _stderr.Enqueue(line);
            while (_stderr.Count > StderrLines)
            {
                _stderr.Dequeue();
            }
        }
    }
}
