using System.Buffers;
using AlphaHost.Host.Internal;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// Replaces one file (<c>latest.json</c>) atomically on a thread of its own, newest content first: the cycle hands over
/// its bytes and goes on. Creating and renaming a file costs far more than writing the journal's lines (on a disk
/// mounted with <c>discard</c>, the replaced file's blocks are freed every cycle, with a tail of milliseconds), and a
/// slow or stuck disk must not hold the cycle loop. A cycle whose content was not written yet when the next one came is
/// skipped (only the newest matters); a failed replacement is handed to the next <see cref="Submit"/>, so the cycle loop
/// still reports it, one cycle later.
/// </summary>
internal sealed class LatestFileWriter : IDisposable
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(5);
    private readonly string _path;
    private readonly TimeProvider _clock;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private ArrayBufferWriter<byte> _pending = new(64 * 1024);
    private ArrayBufferWriter<byte> _writing = new(64 * 1024);
    private bool _hasPending;
    private bool _busy;
    private bool _stopping;
    private Exception? _failure;

    public LatestFileWriter(string path, TimeProvider clock)
    {
        _path = path;
        _clock = clock;
        _thread = new Thread(Run) { IsBackground = true, Name = "alphahost-latest-writer" };
        _thread.Start();
    }

    /// <summary>Hands over the newest content (copied); throws the failure of an earlier replacement, if any.</summary>
    /// <exception cref="IOException">An earlier replacement failed (the content given now is still queued).</exception>
    public void Submit(ReadOnlySpan<byte> content)
    {
        Exception? failure;
        lock (_gate)
        {
            _pending.ResetWrittenCount();
            _pending.Write(content);
            _hasPending = true;
            failure = _failure;
            _failure = null;
            Monitor.Pulse(_gate);
        }

        if (failure is not null)
        {
            throw new IOException($"{Path.GetFileName(_path)} could not be replaced: {failure.Message}", failure);
        }
    }

    /// <summary>Waits until everything handed over is on disk (or failed), at most <paramref name="timeout"/>; true when it is.</summary>
    public bool Flush(TimeSpan timeout)
    {
        var started = _clock.GetTimestamp();
        lock (_gate)
        {
            while (_hasPending || _busy)
            {
                var left = timeout - _clock.GetElapsedTime(started);
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left))
                {
                    return !_hasPending && !_busy;
                }
            }

            return true;
        }
    }

    /// <summary>Writes what is still pending (at most 5 s) and ends the thread.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }

        _thread.Join(StopWait);
    }

    private void Run()
    {
        while (true)
        {
            lock (_gate)
            {
                while (!_hasPending && !_stopping)
                {
                    Monitor.Wait(_gate);
                }

                if (!_hasPending)
                {
                    return;
                }

                (_pending, _writing) = (_writing, _pending);
                _hasPending = false;
                _busy = true;
            }

            Exception? failure = null;
            try
            {
                // Replaced every cycle: atomic, but not forced to disk each time (the journal holds the history).
                AtomicFile.Write(_path, _writing.WrittenSpan, durable: false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failure = ex;
            }

            lock (_gate)
            {
                _busy = false;
                _failure = failure ?? _failure;
                Monitor.PulseAll(_gate);
            }
        }
    }
}
