using System.Threading.Channels;

namespace AlphaHost.Host.Http;

/// <summary>
/// Each cycle's combined signals as <c>latest.json</c> has them, for <c>/api/signals/latest</c> and the Server-Sent Events
/// of <c>/api/signals/stream</c>. The cycle hands a cycle over without waiting for anyone: every client has a queue of
/// <see cref="ClientQueue"/> cycles, and a client that reads slower than the cycles come loses its oldest unsent ones
/// (counted in <see cref="Dropped"/>), so a stalled or vanished client costs at most its queue.
/// </summary>
internal sealed class SignalFeed
{
    /// <summary>Cycles kept for one client that has not read them yet.</summary>
    public const int ClientQueue = 16;

    /// <summary>Clients served at once; one more is refused (503) rather than letting memory grow with clients.</summary>
    public const int MaxClients = 64;

    private readonly Lock _lock = new();
    private Subscription[] _clients = [];
    private CycleSignals? _latest;
    private long _dropped;

    /// <summary>Whether anything reads the feed (the endpoint listens); off, a cycle hands over nothing.</summary>
    public bool Enabled { get; set; }

    /// <summary>The last cycle handed over, or null before the first.</summary>
    public CycleSignals? Latest => Volatile.Read(ref _latest);

    /// <summary>Cycles not sent to a client because its queue was full, since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public int Clients => Volatile.Read(ref _clients).Length;

    /// <summary>Called by the cycle with the cycle's <c>latest.json</c> bytes; copies them once and never blocks.</summary>
    public void Publish(long cycle, ReadOnlySpan<byte> json)
    {
        if (!Enabled)
        {
            return;
        }

        var signals = new CycleSignals(cycle, json.ToArray());
        Volatile.Write(ref _latest, signals);
        foreach (var client in Volatile.Read(ref _clients))
        {
            client.Offer(signals);
        }
    }

    /// <summary>A new client's queue, or null when <see cref="MaxClients"/> are connected.</summary>
    public Subscription? Subscribe()
    {
        lock (_lock)
        {
            if (_clients.Length >= MaxClients)
            {
                return null;
            }

            var client = new Subscription(this);
            _clients = [.. _clients, client];
            return client;
        }
    }

    private void Remove(Subscription client)
    {
        lock (_lock)
        {
            _clients = _clients.Where(c => c != client).ToArray();
        }
    }

    /// <summary>One client's queue; disposing it leaves the feed.</summary>
    internal sealed class Subscription : IDisposable
    {
        private readonly SignalFeed _feed;
        private readonly Channel<CycleSignals> _queue;

        public Subscription(SignalFeed feed)
        {
            _feed = feed;
            _queue = Channel.CreateBounded<CycleSignals>(
                new BoundedChannelOptions(ClientQueue) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false },
                _ => Interlocked.Increment(ref feed._dropped));
        }

        public ChannelReader<CycleSignals> Reader => _queue.Reader;

        public void Offer(CycleSignals signals) => _queue.Writer.TryWrite(signals);

        public void Dispose()
        {
            _feed.Remove(this);
            _queue.Writer.TryComplete();
        }
    }
}

/// <summary>One cycle's combined signals as JSON (the shape of <c>latest.json</c>).</summary>
internal sealed record CycleSignals(long Cycle, byte[] Json);
