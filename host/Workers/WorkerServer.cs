using System.Runtime.InteropServices;
using AlphaHost.Abstractions;
using AlphaHost.Host.Plugins;
using McMaster.NETCore.Plugins;

namespace AlphaHost.Host.Workers;

/// <summary>
/// The worker side: <c>alphahost worker --plugin DIR --family NAME --instance INSTANCE</c>, started by the host, serves
/// exactly one configured instance of one family of one plugin folder over its standard input and output. It reads the
/// market from the host's image file, mapped read-only (<see cref="MappedMarket"/>): no copy of the history of its own, and
/// nothing the family does reaches the host's or another family's bars. It exits
/// when its input closes (the host stopped or died). Anything the plugin writes to the console goes to standard
/// error, which the host keeps for crash reports.
/// </summary>
internal sealed class WorkerServer
{
    private readonly Stream _output;
    private readonly Lock _writeLock = new();
    private readonly string _folder;
    private readonly string _familyName;
    private readonly string _instance;
    private readonly TimeProvider _clock;
    private IAlphaFamily? _family;
    private PluginLoader? _loader;
    private readonly WorkerMarket _market = new();
    private CancellationTokenSource? _running;

    private WorkerServer(Stream output, string folder, string familyName, string instance, TimeProvider clock)
    {
        _clock = clock;
        _output = output;
        _folder = folder;
        _familyName = familyName;
        _instance = instance;
    }

    /// <summary>Runs the worker until its input closes or the host asks it to stop.</summary>
    /// <param name="clock">The worker's clock, the family's <see cref="FamilyContext.Clock"/>.</param>
    public static int Run(string folder, string familyName, string instance, int? memoryLimitMb, TimeProvider clock)
    {
        var input = Console.OpenStandardInput();
        var output = Console.OpenStandardOutput();
        Console.SetOut(Console.Error);
        if (memoryLimitMb is { } limit)
        {
            OsLimits.LimitDataSegment(limit);
        }

        // The host stops its workers itself (Dispose, then kill); a stop signal sent to the whole process group (Ctrl+C in a
        // terminal, systemd's control-group stop, timeout(1)) must not kill them before the host has asked.
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => c.Cancel = true);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => c.Cancel = true);
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => c.Cancel = true);
        var server = new WorkerServer(output, folder, familyName, instance, clock);
        var requests = new FrameQueue();
        var reader = new Thread(() => server.ReadLoop(input, requests)) { IsBackground = true, Name = "alphahost-worker-input" };
        reader.Start();
        server.Send(new Frame(FrameType.Hello, 0, []));
        while (server.Handle(requests.Take()))
        {
        }

        OsLimits.ExitNow(0);
        return 0;
    }

    private void ReadLoop(Stream input, FrameQueue requests)
    {
        try
        {
            while (WorkerProtocol.Read(input) is { } frame)
            {
                if (frame.Type == FrameType.Cancel)
                {
                    _running?.Cancel();
                    continue;
                }

                requests.Add(frame);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or EndOfStreamException)
        {
            Console.Error.WriteLine($"worker input failed: {ex.Message}");
        }

        // The host closed the pipe (stopped, or died): leave at once, whatever the plugin is doing or has registered to run at exit.
        OsLimits.ExitNow(0);
    }

    /// <returns>False when the worker should exit.</returns>
    private bool Handle(Frame frame)
    {
        try
        {
            switch (frame.Type)
            {
                case FrameType.Init:
                    Reply(frame.Sequence, Init(frame.Payload));
                    return true;
                case FrameType.Configure:
                    using (var reader = WorkerProtocol.Reader(frame.Payload))
                    {
                        Family.Configure(WorkerProtocol.ReadSettings(reader));
                    }

                    Reply(frame.Sequence, []);
                    return true;
                case FrameType.Sync:
                    _market.Sync(frame.Payload);
                    Reply(frame.Sequence, []);
                    return true;
                case FrameType.Compute:
                    Reply(frame.Sequence, Compute(frame.Payload));
                    return true;
                case FrameType.Health:
                    Reply(frame.Sequence, WorkerProtocol.Payload(w => WorkerProtocol.WriteHealth(w, Family.Health ?? new FamilyHealth(FamilyState.Degraded, 0, "health unavailable"))));
                    return true;
                case FrameType.Dispose:
                    DisposeFamily();
                    Reply(frame.Sequence, []);
                    return false;
                default:
                    throw new InvalidDataException($"unexpected frame type {frame.Type}");
            }
        }
        catch (Exception ex)
        {
            var error = ex switch
            {
                PluginLoadException load => load.Reason,
                FamilySettingsException => ex.Message,
                _ => $"{ex.GetType().Name}: {ex.Message}",
            };
            Send(new Frame(FrameType.Error, frame.Sequence, WorkerProtocol.Payload(w =>
            {
                w.Write(error);
                w.Write(ex is FamilySettingsException);
                w.Write(ex is OutOfMemoryException || ex.InnerException is OutOfMemoryException);
            })));
            return true;
        }
    }

    private IAlphaFamily Family => _family ?? throw new InvalidOperationException("the family is not initialized");

    private byte[] Init(byte[] payload)
    {
        using var reader = WorkerProtocol.Reader(payload);
        var settings = WorkerProtocol.ReadSettings(reader);
        var stateDirectory = reader.ReadString();
        var loggerFactory = new WorkerLoggerFactory(Send);
        Microsoft.Extensions.Logging.ILogger familyLogger = loggerFactory.CreateLogger(Logging.LoggingCategories.FamilyPrefix + _instance);
        try
        {
            var (assembly, _) = PluginAssembly.Open(_folder, null, out _loader);
            _family = FamilyActivator.Activate(_folder, assembly, loggerFactory, _clock, _familyName, instance: _instance)[0].Family;
        }
        catch (Exception ex) when (ex is not PluginLoadException)
        {
            throw new PluginLoadException(_folder, PluginAssembly.Describe(ex), ex);
        }

        Directory.CreateDirectory(stateDirectory);
        var context = new FamilyContext(_familyName, settings, familyLogger, _clock, _folder, stateDirectory);
        _family.InitializeAsync(context, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var unread = settings.UnreadKeys.ToArray();
        return WorkerProtocol.Payload(w =>
        {
            WorkerProtocol.WriteHealth(w, _family.Health ?? new FamilyHealth(FamilyState.Degraded, 0, "health unavailable"));
            w.Write(unread.Length);
            foreach (var key in unread)
            {
                w.Write(key);
            }
        });
    }

    private byte[] Compute(byte[] payload)
    {
        using var reader = WorkerProtocol.Reader(payload);
        var snapshot = _market.Read(reader);
        using var cts = new CancellationTokenSource();
        _running = cts;
        FamilySignals? signals;
        try
        {
            signals = Family.ComputeAsync(snapshot, cts.Token).AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            _running = null;
        }

        var health = Family.Health ?? new FamilyHealth(FamilyState.Degraded, 0, "health unavailable");
        var (values, nonFinite, unknown) = Families.SignalFilter.Copy(signals?.BySymbol, Families.SignalFilter.Symbols(snapshot));
        return WorkerProtocol.Payload(w =>
        {
            WorkerProtocol.WriteHealth(w, health);
            w.Write(nonFinite);
            w.Write(unknown);
            w.Write(values.Count);
            foreach (var (symbol, value) in values)
            {
                w.Write(_market.PositionOf(symbol));
                w.Write(value);
            }
        });
    }

    private void DisposeFamily()
    {
        _family?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _family = null;
        _loader?.Dispose();
    }

    private void Reply(uint sequence, byte[] payload) => Send(new Frame(FrameType.Reply, sequence, payload));

    private void Send(Frame frame)
    {
        lock (_writeLock)
        {
            try
            {
                WorkerProtocol.Write(_output, frame);
            }
            catch (IOException)
            {
                OsLimits.ExitNow(0);
            }
        }
    }
}

/// <summary>
/// Requests from the input thread to the worker's main thread. A waiting main thread sleeps until a frame comes,
/// without spinning first as <c>BlockingCollection</c> does: a worker shares the machine's cores with the host and the
/// other workers, and a spinning idle worker takes CPU from the one still computing.
/// </summary>
internal sealed class FrameQueue
{
    private readonly Queue<Frame> _frames = new();

    public void Add(Frame frame)
    {
        lock (_frames)
        {
            _frames.Enqueue(frame);
            Monitor.Pulse(_frames);
        }
    }

    public Frame Take()
    {
        lock (_frames)
        {
            while (_frames.Count == 0)
            {
                Monitor.Wait(_frames);
            }

            return _frames.Dequeue();
        }
    }
}
