using System.Text;
using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Workers;

/// <summary>
/// Reads a worker's console output (its standard error, where a plugin's <c>Console.Out</c> goes too) as raw bytes into
/// fixed buffers: lines are cut at <see cref="WorkerOutputOptions.LineBytes"/> (and marked as cut), at most
/// <see cref="WorkerOutputOptions.BytesPerSecond"/> are looked at each second and the rest is dropped and counted.
/// Nothing a worker writes, with or without newlines, grows the host's memory. A worker over its budget for
/// <see cref="WorkerOutputOptions.FloodSeconds"/> seconds in a row is reported once through <c>flood</c>.
/// </summary>
internal sealed class WorkerOutput
{
    /// <summary>How long after the last dropped byte the worker counts as flooding (its family DEGRADED).</summary>
    public static readonly TimeSpan FloodingFor = TimeSpan.FromSeconds(5);

    private const int ChunkBytes = 64 * 1024;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly WorkerOutputOptions _options;
    private readonly TimeProvider _clock;
    private readonly OutputTally _dropped;
    private readonly Action<string> _line;
    private readonly Action<string> _flood;
    private readonly byte[] _lineBuffer;
    private int _lineLength;
    private bool _skipToNewline;
    private long _windowStart;
    private long _windowBytes;
    private int _floodWindows;
    private long _lastDropAt;
    private bool _floodReported;
    private long _droppedHere;

    /// <param name="options">The bounds.</param>
    /// <param name="clock">The clock of the budget's seconds.</param>
    /// <param name="dropped">The family's count of dropped bytes (kept across its workers).</param>
    /// <param name="line">Receives each line (cut lines end with a mark).</param>
    /// <param name="flood">Called once when the worker has been over its budget for <see cref="WorkerOutputOptions.FloodSeconds"/> seconds in a row.</param>
    public WorkerOutput(WorkerOutputOptions options, TimeProvider clock, OutputTally dropped, Action<string> line, Action<string> flood)
    {
        (_options, _clock, _dropped, _line, _flood) = (options, clock, dropped, line, flood);
        _lineBuffer = new byte[options.LineBytes];
        _windowStart = clock.GetTimestamp();
    }

    /// <summary>Bytes this worker wrote that the host dropped (over the budget, or past a line's cut).</summary>
    public long DroppedBytes => Interlocked.Read(ref _droppedHere);

    /// <summary>Whether the worker dropped output within the last <see cref="FloodingFor"/>: its family is then DEGRADED (<c>output_flood</c>).</summary>
    public bool IsFlooding
    {
        get
        {
            var last = Interlocked.Read(ref _lastDropAt);
            return last != 0 && _clock.GetElapsedTime(last) < FloodingFor;
        }
    }

    /// <summary>The family's health detail while it floods.</summary>
    public string FloodDetail =>
        $"output_flood: its worker writes more than {_options.BytesPerSecond} bytes a second to its console; {DroppedBytes} bytes dropped";

    /// <summary>Reads <paramref name="stream"/> until it ends (the worker exited), then hands on the unfinished last line.</summary>
    public void ReadToEnd(Stream stream)
    {
        var chunk = new byte[ChunkBytes];
        try
        {
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                Accept(chunk.AsSpan(0, read));
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The pipe broke: the worker is gone.
        }

        if (_lineLength > 0)
        {
            EmitLine(cut: false);
        }
    }

    /// <summary>Takes one read's bytes: counts them against the second's budget, splits what is within it into lines.</summary>
    internal void Accept(ReadOnlySpan<byte> bytes)
    {
        var now = _clock.GetTimestamp();
        var elapsed = _clock.GetElapsedTime(_windowStart, now);
        if (elapsed >= Window)
        {
            var over = _windowBytes > _options.BytesPerSecond;
            _floodWindows = over && elapsed < Window * 2 ? _floodWindows + 1 : 0;
            _windowStart = now;
            _windowBytes = 0;
        }

        var room = Math.Max(0, _options.BytesPerSecond - _windowBytes);
        var within = (int)Math.Min(room, bytes.Length);
        _windowBytes += bytes.Length;
        Split(bytes[..within]);
        if (within < bytes.Length)
        {
            Drop(bytes.Length - within, now);
            if (_lineLength > 0)
            {
                // What follows the dropped bytes is not the rest of this line.
                EmitLine(cut: true);
            }

            _skipToNewline = true;
        }

        if (_floodWindows + 1 >= _options.FloodSeconds && _windowBytes > _options.BytesPerSecond && !_floodReported)
        {
            _floodReported = true;
            _flood($"output_flood: it wrote more than {_options.BytesPerSecond} bytes a second to its console for {_options.FloodSeconds} s ({DroppedBytes} bytes dropped)");
        }
    }

    private void Split(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            var newline = bytes.IndexOf((byte)'\n');
            var part = newline < 0 ? bytes : bytes[..newline];
            if (_skipToNewline)
            {
                Drop(part.Length, 0);
            }
            else
            {
                var fits = Math.Min(part.Length, _lineBuffer.Length - _lineLength);
                part[..fits].CopyTo(_lineBuffer.AsSpan(_lineLength));
                _lineLength += fits;
                if (fits < part.Length)
                {
                    EmitLine(cut: true);
                    _skipToNewline = true;
                    Drop(part.Length - fits, 0);
                }
            }

            if (newline < 0)
            {
                return;
            }

            if (!_skipToNewline)
            {
                EmitLine(cut: false);
            }

            _skipToNewline = false;
            bytes = bytes[(newline + 1)..];
        }
    }

    private void EmitLine(bool cut)
    {
        var length = _lineLength > 0 && _lineBuffer[_lineLength - 1] == '\r' ? _lineLength - 1 : _lineLength;
        var text = Encoding.UTF8.GetString(_lineBuffer, 0, length);
        _lineLength = 0;
        _line(cut ? $"{text}... (cut at {_options.LineBytes} bytes)" : text);
    }

    /// <param name="now">When the bytes were dropped for being over the budget; 0 for the rest of a cut line.</param>
    private void Drop(long count, long now)
    {
        if (count == 0)
        {
            return;
        }

        Interlocked.Add(ref _droppedHere, count);
        _dropped.Add(count);
        if (now != 0)
        {
            Interlocked.Exchange(ref _lastDropAt, now);
        }
    }
}

/// <summary>A family's count of dropped console bytes, kept across its workers (for <c>alphahost_worker_output_dropped_bytes_total</c>).</summary>
internal sealed class OutputTally
{
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public void Add(long bytes) => Interlocked.Add(ref _total, bytes);
}
