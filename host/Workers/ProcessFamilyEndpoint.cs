using AlphaHost.Abstractions;
using AlphaHost.Host.Families;

namespace AlphaHost.Host.Workers;

/// <summary>
/// A family served by its own worker process. The worker gets the universe once, then each cycle where the cycle's
/// histories lie in the host's market image (<see cref="MarketImage"/>), which it maps read-only; signals and health
/// come back within the family's budget. A worker that missed cycles needs nothing more: the image holds the whole kept history.
/// Its resident memory and threads are checked before a cycle (at most every 200 ms) against the family's limits.
/// </summary>
internal sealed class ProcessFamilyEndpoint : IFamilyEndpoint
{
    /// <summary>How long a worker process may take to come up, before its family's initialization budget starts.</summary>
    private static readonly TimeSpan WorkerStartAllowance = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Threads a worker may run: the runtime's own (~20) and a thread pool's worth for the family. A family that starts
    /// threads without bound would take the machine's CPU from the host; its worker is stopped instead.
    /// </summary>
    private const int MaxThreads = 128;

    /// <summary>How often a worker's resident memory and threads are read (every cycle at cycle intervals above it).</summary>
    private static readonly TimeSpan UsageEvery = TimeSpan.FromMilliseconds(200);

    private readonly WorkerProcess _worker;
    private long _usageReadAt;
    private readonly int? _memoryLimitMb;
    private readonly TimeSpan _syncBudget;
    private string[] _universe = [];
    private bool _synced;
    private Task<Frame>? _pending;
    private string? _fault;

    private ProcessFamilyEndpoint(WorkerProcess worker, FamilyHealth health, IReadOnlyList<string> unread, int? memoryLimitMb, TimeSpan syncBudget)
    {
        _worker = worker;
        Health = health;
        UnreadKeys = unread;
        _memoryLimitMb = memoryLimitMb;
        _syncBudget = syncBudget;
    }

    public string Description => $"worker pid {_worker.Pid}";

    public FamilyHealth Health { get; private set; }

    public IReadOnlyList<string> UnreadKeys { get; }

    public bool IsBusy => _pending is { IsCompleted: false };

    public string? Fault => _fault ?? (_worker.HasExited ? _worker.ExitReason : null);

    /// <summary>Starts the worker and initializes the family in it within <paramref name="budget"/>; throws <see cref="FamilyStartException"/>.</summary>
    /// <param name="cancellationToken">The host is stopping: the worker is killed at once.</param>
    /// <param name="pluginLog">Where the family's own log events go (its worker forwards them).</param>
    public static async Task<ProcessFamilyEndpoint> StartAsync(FamilyStartRequest request, TimeSpan budget, Serilog.ILogger log, Logging.PluginLogGate pluginLog, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        WorkerProcess worker;
        try
        {
            worker = WorkerProcess.Start(request.PluginFolder, request.Family, request.Instance, request.MemoryLimitMb, request.Output, request.OutputDropped, log, clock, pluginLog);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            throw new FamilyStartException($"its worker could not be started: {ex.Message}");
        }

        try
        {
            await worker.WaitUntilUpAsync(WorkerStartAllowance).WaitAsync(cancellationToken).ConfigureAwait(false);
            var payload = WorkerProtocol.Payload(w =>
            {
                WorkerProtocol.WriteSettings(w, request.Settings, request.SettingsValues);
                w.Write(request.StateDirectory);
            });
            var reply = await worker.RequestAsync(FrameType.Init, payload, budget).WaitAsync(cancellationToken).ConfigureAwait(false);
            using var reader = WorkerProtocol.Reader(reply);
            var health = WorkerProtocol.ReadHealth(reader);
            var unread = new string[reader.ReadInt32()];
            for (var i = 0; i < unread.Length; i++)
            {
                unread[i] = reader.ReadString();
            }

            return new ProcessFamilyEndpoint(worker, health, unread, request.MemoryLimitMb, budget);
        }
        catch (OperationCanceledException)
        {
            await worker.DisposeAsync().ConfigureAwait(false);
            throw new FamilyStartException("the host stopped while it was starting");
        }
        catch (Exception ex) when (ex is TimeoutException or WorkerFailedException)
        {
            var reason = ex is TimeoutException ? $"did not initialize within {budget.TotalMilliseconds:0} ms" : ex.Message;
            await worker.DisposeAsync().ConfigureAwait(false);
            throw new FamilyStartException(ex is WorkerFailedException { Exited: true } ? $"its worker died while initializing: {reason}" : reason);
        }
    }

    public async Task<ComputeResult> ComputeAsync(CycleInput input, TimeSpan budget)
    {
        if (Fault is { } fault)
        {
            return new ComputeResult(CallStatus.Exited, ComputeResult.NoSignals, Health, Error: fault);
        }

        if (IsBusy)
        {
            return new ComputeResult(CallStatus.Busy, ComputeResult.NoSignals, Health, Error: "still running an earlier cycle's computation");
        }

        // Reading /proc is file reads per worker: at most every UsageEvery, so a loop without pause does not pay them every cycle.
        var usage = System.Diagnostics.Stopwatch.GetElapsedTime(_usageReadAt) >= UsageEvery ? ReadUsage() : null;
        if (_memoryLimitMb is { } limit && usage is { ResidentMb: var resident } && resident > limit + OsLimits.RuntimeOverheadMb)
        {
            _fault = $"worker exceeded its memory limit: resident {resident} MB > {limit} MB + {OsLimits.RuntimeOverheadMb} MB for the runtime";
            _worker.Kill(_fault);
            return new ComputeResult(CallStatus.Exited, ComputeResult.NoSignals, Health, Error: _fault, OutOfMemory: true);
        }

        if (usage is { Threads: var threads } && threads > MaxThreads)
        {
            _fault = $"worker runs {threads} threads, more than the {MaxThreads} a family may have";
            _worker.Kill(_fault);
            return new ComputeResult(CallStatus.Exited, ComputeResult.NoSignals, Health, Error: _fault);
        }

        var market = input.Market ?? throw new InvalidOperationException("a worker needs the host's market history");
        var image = input.Image ?? throw new InvalidOperationException("a worker needs the host's market image");
        if (!_synced)
        {
            _universe = market.Universe.Select(u => u.Symbol).ToArray();
            var sync = _worker.Send(FrameType.Sync, SyncPayload(market), _syncBudget, out _);
            try
            {
                await WorkerProcess.WaitAsync(sync, _syncBudget).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or WorkerFailedException)
            {
                _pending = sync;
                return Failure(ex, "receiving the universe");
            }

            _synced = true;
        }

        byte[] request;
        try
        {
            request = input.DayPayload(i => image.Publish(market, i.Snapshot));
        }
        catch (MarketImageException ex)
        {
            return new ComputeResult(CallStatus.Failed, ComputeResult.NoSignals, Health, Error: ex.Message);
        }

        var reply = _worker.Send(FrameType.Compute, request, budget, out _);
        try
        {
            var payload = await WorkerProcess.WaitAsync(reply, budget).ConfigureAwait(false);
            return Read(payload);
        }
        catch (TimeoutException)
        {
            _worker.Cancel();
            _pending = reply;
            _ = reply.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return new ComputeResult(CallStatus.TimedOut, ComputeResult.NoSignals, Health, Error: $"did not finish within its {budget.TotalMilliseconds:0} ms budget");
        }
        catch (WorkerFailedException ex)
        {
            return Failure(ex, "computing");
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
        {
            // A worker whose answer cannot be read cannot be trusted with the next one either.
            _fault = $"worker killed: it sent a malformed answer ({ex.Message})";
            _worker.Kill(_fault);
            return new ComputeResult(CallStatus.Exited, ComputeResult.NoSignals, Health, Error: _fault);
        }
    }

    public async Task<FamilyHealth> RefreshHealthAsync(TimeSpan budget)
    {
        if (Fault is not null || IsBusy)
        {
            return Health;
        }

        var reply = _worker.Send(FrameType.Health, [], budget, out _);
        try
        {
            using var reader = WorkerProtocol.Reader(await WorkerProcess.WaitAsync(reply, budget).ConfigureAwait(false));
            Health = Flooded(WorkerProtocol.ReadHealth(reader));
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
        {
            _fault = $"worker killed: it sent a malformed answer ({ex.Message})";
            _worker.Kill(_fault);
        }
        catch (TimeoutException)
        {
            // Busy until it answers: the next cycle finds it so and counts the overrun.
            _pending = reply;
            _ = reply.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
        catch (WorkerFailedException)
        {
            // A dead worker is reported by the next cycle; a getter that threw keeps the last health.
        }

        return Health;
    }

    public async Task<ConfigureResult> ConfigureAsync(FamilySettings settings, TimeSpan budget)
    {
        if (Fault is not null || IsBusy)
        {
            _fault ??= "stopped to apply new settings (it was busy or gone)";
            _worker.Kill(_fault);
            return new ConfigureResult(null, Restarted: true);
        }

        var values = settings.Keys.ToDictionary(k => k, k => settings.GetString(k, ""), StringComparer.Ordinal);
        try
        {
            await _worker.RequestAsync(FrameType.Configure, WorkerProtocol.Payload(w => WorkerProtocol.WriteSettings(w, settings, values)), budget).ConfigureAwait(false);
            return ConfigureResult.Applied;
        }
        catch (WorkerFailedException ex) when (!ex.Exited)
        {
            return new ConfigureResult(ex.IsSettingsError ? ex.Message : $"{settings.Path}: the family refused its settings: {ex.Message}");
        }
        catch (Exception ex) when (ex is TimeoutException or WorkerFailedException)
        {
            _fault = $"did not apply its settings within {budget.TotalMilliseconds:0} ms; restarted with them";
            _worker.Kill(_fault);
            return new ConfigureResult(null, Restarted: true);
        }
    }

    public Task StopAsync(TimeSpan budget) => _worker.StopAsync(budget);

    /// <summary>The worker's resident memory in MB now, for the metrics; null once it has exited.</summary>
    public long? ResidentMb => _worker.Usage()?.ResidentMb;

    public ValueTask DisposeAsync() => _worker.DisposeAsync();

    private (long ResidentMb, int Threads)? ReadUsage()
    {
        _usageReadAt = System.Diagnostics.Stopwatch.GetTimestamp();
        return _worker.Usage();
    }

    private ComputeResult Failure(Exception ex, string doing)
    {
        if (ex is TimeoutException)
        {
            return new ComputeResult(CallStatus.TimedOut, ComputeResult.NoSignals, Health, Error: $"did not answer while {doing} within its budget");
        }

        var failed = (WorkerFailedException)ex;
        return failed.Exited
            ? new ComputeResult(CallStatus.Exited, ComputeResult.NoSignals, Health, Error: failed.Message)
            : new ComputeResult(CallStatus.Failed, ComputeResult.NoSignals, Health, Error: $"threw {failed.Message}", OutOfMemory: failed.OutOfMemory);
    }

    private ComputeResult Read(byte[] payload)
    {
        using var reader = WorkerProtocol.Reader(payload);
        Health = Flooded(WorkerProtocol.ReadHealth(reader));
        var nonFinite = reader.ReadInt32();
        var unknown = reader.ReadInt32();
        var count = reader.ReadInt32();
        var signals = new Dictionary<string, double>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var position = reader.ReadInt32();
            var value = reader.ReadDouble();
            if ((uint)position >= (uint)_universe.Length)
            {
                throw new InvalidDataException($"the worker answered for universe position {position} of {_universe.Length}");
            }

            signals[_universe[position]] = value;
        }

        return new ComputeResult(CallStatus.Ok, signals, Health, nonFinite, unknown);
    }

    /// <summary>The family's own health, DEGRADED (<c>output_flood</c>) while its worker writes more to its console than the budget.</summary>
    private FamilyHealth Flooded(FamilyHealth health) =>
        health.State == FamilyState.Ok && _worker.Output.IsFlooding ? health with { State = FamilyState.Degraded, Detail = _worker.Output.FloodDetail } : health;

    /// <summary>The universe in the order of positions that the image's slots and the answers use, and the benchmark.</summary>
    private static byte[] SyncPayload(Market.MarketState market) => WorkerProtocol.Payload(w =>
    {
        var (benchmark, symbols) = market.Export();
        WorkerProtocol.WriteSymbol(w, benchmark.Info);
        w.Write(symbols.Count);
        foreach (var symbol in symbols)
        {
            WorkerProtocol.WriteSymbol(w, symbol.Info);
        }
    });
}

/// <summary>What a family needs to start.</summary>
/// <param name="PluginFolder">Its plugin folder.</param>
/// <param name="Family">Its exported name.</param>
/// <param name="Instance">The configured instance it serves (<c>families.&lt;instance&gt;</c>): the name of its logs.</param>
/// <param name="Settings">Its settings section.</param>
/// <param name="SettingsValues">The section's raw values (sent to a worker).</param>
/// <param name="StateDirectory">Its state folder.</param>
/// <param name="MemoryLimitMb">Its memory budget, or null for none.</param>
/// <param name="Output">The bounds on its worker's console output.</param>
/// <param name="OutputDropped">The family's count of dropped console bytes, kept across its workers.</param>
internal sealed record FamilyStartRequest(string PluginFolder, string Family, string Instance, FamilySettings Settings, IReadOnlyDictionary<string, string> SettingsValues,
    string StateDirectory, int? MemoryLimitMb, Configuration.WorkerOutputOptions Output, OutputTally OutputDropped);

/// <summary>A family could not be started: the reason, in one line.</summary>
internal sealed class FamilyStartException(string reason) : Exception(reason);
