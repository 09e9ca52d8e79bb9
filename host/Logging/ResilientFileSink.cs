using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Parsing;

namespace AlphaHost.Host.Logging;

/// <summary>
/// Appends formatted events to one file and survives the file becoming unwritable (folder removed or replaced,
/// permissions, disk full). While it cannot write it holds the newest events in memory (up to a bound), says so once
/// on the console and in <see cref="LogFileHealth"/> (the heartbeat shows it), and retries every
/// <see cref="RetryInterval"/>; once the file can be written again the held events go first, followed by a line that
/// tells how long the fault lasted and how many events, if any, were dropped. It also notices the file being moved or
/// deleted (e.g. by log rotation) and reopens it at its path.
/// A write that fails part-way (a full disk takes what fits) leaves the start of a record without its line end. Before
/// it writes again, the sink cuts the file back to its last whole line, so the retried record never ends up glued to
/// the torn one and every line of the file stays one whole record; the held event is written whole, so it is not counted
/// as dropped. Writes go straight to the file (no stream buffer that a later flush could write a second time).
/// </summary>
internal sealed class ResilientFileSink : ILogEventSink, IDisposable
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly string _path;
    private readonly ITextFormatter _formatter;
    private readonly TextWriter _console;
    private readonly TimeProvider _clock;
    private readonly LogFileHealth _health;
    private readonly int _maxHeld;
    private readonly Func<string, Stream> _openAppend;
    private readonly Queue<LogEvent> _held = new();
    private readonly Lock _lock = new();
    private readonly StringWriter _buffer = new(CultureInfo.InvariantCulture);
    private Stream? _stream;
    private DateTimeOffset _nextCheck;
    private DateTimeOffset? _faultSince;
    private long _dropped;

    /// <param name="openAppend">Opens the file for appending; the default is an unbuffered <see cref="FileStream"/> (tests pass a disk that fills up).</param>
    public ResilientFileSink(string path, ITextFormatter formatter, TextWriter console, TimeProvider clock, LogFileHealth health, int maxHeld = 100_000, Func<string, Stream>? openAppend = null)
    {
        _openAppend = openAppend ?? OpenAppend;
        _path = path;
        _formatter = formatter;
        _console = console;
        _clock = clock;
        _health = health;
        _maxHeld = maxHeld;
        lock (_lock)
        {
            // Open now: the files exist from the start (scripts tail them), and a folder that cannot be written shows at once.
            _nextCheck = clock.GetUtcNow() + RetryInterval;
            TryOpen(clock.GetUtcNow());
        }
    }

    private string Name => Path.GetFileName(_path);

    public void Emit(LogEvent logEvent)
    {
        lock (_lock)
        {
            var now = _clock.GetUtcNow();
            if (now >= _nextCheck)
            {
                _nextCheck = now + RetryInterval;
                if (_stream is not null && !File.Exists(_path))
                {
                    Close();
                }

                if (_stream is null)
                {
                    TryOpen(now);
                }
            }

            if (_stream is null)
            {
                Hold(logEvent);
                return;
            }

            try
            {
                Write(logEvent);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Close();
                Fault(now, ex.Message);
                Hold(logEvent);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_held.Count > 0 && _stream is null)
            {
                TryOpen(_clock.GetUtcNow());
            }

            Close();
        }
    }

    private void TryOpen(DateTimeOffset now)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var torn = CutToLastWholeLine(_path);
            _stream = _openAppend(_path);
            if (torn > 0 && _faultSince is null)
            {
                // Not this sink's own failed write (that record is held and written again): one cut short by a process that stopped mid-write.
                var notice = $"{Name} ended with a partial record ({torn} bytes, from a write that was interrupted); cut back to the last whole line";
                Write(Notice(LogEventLevel.Warning, notice, now));
                _console.WriteLine($"{now:HH:mm:ss} WARNING host: {notice}");
                _console.Flush();
            }

            while (_held.TryPeek(out var held))
            {
                Write(held);
                _held.Dequeue();
            }

            if (_faultSince is { } since)
            {
                var notice = $"File logging to {Name} resumed after {(now - since).TotalSeconds:0.#}s; held events written, {_dropped} dropped";
                Write(Notice(LogEventLevel.Warning, notice, now));
                _console.WriteLine($"{now:HH:mm:ss} WARNING host: {notice}");
                _console.Flush();
                _faultSince = null;
                _dropped = 0;
                _health.Report(Name, null);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            Close();
            Fault(now, ex.Message);
        }
    }

    private static Stream OpenAppend(string path) =>
        new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    /// <summary>Removes whatever follows the file's last line end (all of it when there is none).</summary>
    /// <returns>The bytes removed.</returns>
    private static long CutToLastWholeLine(string path)
    {
        using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        var end = file.Length;
        var chunk = new byte[4096];
        for (var position = end; position > 0;)
        {
            var size = (int)Math.Min(chunk.Length, position);
            position -= size;
            file.Position = position;
            file.ReadExactly(chunk, 0, size);
            var newline = Array.LastIndexOf(chunk, (byte)'\n', size - 1, size);
            if (newline >= 0)
            {
                var whole = position + newline + 1;
                if (whole < end)
                {
                    file.SetLength(whole);
                }

                return end - whole;
            }
        }

        if (end > 0)
        {
            file.SetLength(0);
        }

        return end;
    }

    private void Write(LogEvent logEvent)
    {
        _buffer.GetStringBuilder().Clear();
        _formatter.Format(logEvent, _buffer);
        var bytes = Encoding.UTF8.GetBytes(_buffer.GetStringBuilder().ToString());
        _stream!.Write(bytes);
        _stream.Flush();
    }

    private void Hold(LogEvent logEvent)
    {
        if (_held.Count >= _maxHeld)
        {
            _held.Dequeue();
            _dropped++;
        }

        _held.Enqueue(logEvent);
    }

    private void Fault(DateTimeOffset now, string error)
    {
        _health.Report(Name, error);
        if (_faultSince is not null)
        {
            return;
        }

        _faultSince = now;
        _console.WriteLine($"{now:HH:mm:ss} ERROR   host: cannot write {_path}: {error}; holding up to {_maxHeld} events in memory and retrying every {RetryInterval.TotalSeconds:0}s (signals are unaffected)");
        _console.Flush();
    }

    private void Close()
    {
        try
        {
            _stream?.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The data that could not be flushed is lost with the broken file; the fault is reported by the caller.
        }

        _stream = null;
    }

    private static LogEvent Notice(LogEventLevel level, string text, DateTimeOffset now) =>
        new(now, level, null, new MessageTemplate(text, [new TextToken(text)]), [new LogEventProperty(LoggingCategories.Component, new ScalarValue("host"))]);
}
