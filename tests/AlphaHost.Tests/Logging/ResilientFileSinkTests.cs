using AlphaHost.Host.Logging;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;
using Serilog.Parsing;

namespace AlphaHost.Tests.Logging;

public sealed class ResilientFileSinkTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-01-23T19:00:00Z"));
    private readonly LogFileHealth _health = new();
    private readonly StringWriter _console = new();

    private string LogsDir => _dir.File("logs");

    private string LogFile => Path.Combine(LogsDir, "live.jsonl");

    [Fact]
    public void Emit_FolderReplacedByAFile_HoldsEventsReportsTheFaultAndWritesThemInOrderWhenItCanAgain()
    {
        using var sink = NewSink();
        sink.Emit(Event("before"));
        Directory.Move(LogsDir, _dir.File("logs.rotated"));
        File.WriteAllText(LogsDir, "a file where the folder was");

        _clock.Advance(TimeSpan.FromSeconds(2));
        sink.Emit(Event("during 1"));
        sink.Emit(Event("during 2"));
        var fault = _health.Faults;
        File.Delete(LogsDir);
        _clock.Advance(TimeSpan.FromSeconds(2));
        sink.Emit(Event("after"));

        Assert.Equal("live.jsonl", Assert.Single(fault).File);
        Assert.NotEmpty(fault[0].Error);
        Assert.Empty(_health.Faults);
        Assert.Contains("cannot write " + LogFile, _console.ToString());
        Assert.Contains("File logging to live.jsonl resumed after 2s; held events written, 0 dropped", _console.ToString());
        Assert.Equal(["before"], Messages(_dir.File("logs.rotated/live.jsonl")));
        Assert.Equal(["during 1", "during 2", "File logging to live.jsonl resumed after 2s; held events written, 0 dropped", "after"], Messages(LogFile));
    }

    [Fact]
    public void Emit_LongFault_KeepsTheNewestEventsAndCountsTheDropped()
    {
        using var sink = NewSink(maxHeld: 3);
        sink.Emit(Event("first"));
        Directory.Delete(LogsDir, recursive: true);
        File.WriteAllText(LogsDir, "blocked");
        _clock.Advance(TimeSpan.FromSeconds(2));

        for (var i = 0; i < 5; i++)
        {
            sink.Emit(Event($"held {i}"));
        }

        File.Delete(LogsDir);
        _clock.Advance(TimeSpan.FromSeconds(2));
        sink.Emit(Event("last"));

        Assert.Equal(["held 2", "held 3", "held 4", "File logging to live.jsonl resumed after 2s; held events written, 2 dropped", "last"], Messages(LogFile));
    }

    [Fact]
    public void Dispose_WithHeldEvents_WritesThemWhenTheFileCanBeWritten()
    {
        File.WriteAllText(LogsDir, "blocked");
        var sink = NewSink();
        sink.Emit(Event("held"));
        File.Delete(LogsDir);

        sink.Dispose();

        Assert.Equal(["held", "File logging to live.jsonl resumed after 0s; held events written, 0 dropped"], Messages(LogFile));
    }

    [Fact]
    public void Emit_DiskFullPartWayThroughARecordThenFreed_FileHoldsOnlyWholeRecordsAndTheRetryOnce()
    {
        var disk = new Disk();
        using var sink = NewSink(openAppend: disk.Open);
        sink.Emit(Event("before"));
        disk.Free = 10;

        sink.Emit(Event("during 1"));
        sink.Emit(Event("during 2"));
        disk.Free = long.MaxValue;
        _clock.Advance(TimeSpan.FromSeconds(2));
        sink.Emit(Event("after"));

        Assert.True(disk.TornWrites > 0);
        Assert.All(File.ReadAllLines(LogFile), line => Assert.StartsWith("{", line));
        Assert.Equal(["before", "during 1", "during 2", "File logging to live.jsonl resumed after 2s; held events written, 0 dropped", "after"], Messages(LogFile));
    }

    [Fact]
    public void Emit_DiskFullLongerThanTheHoldingBound_ResumeMessageCountsExactlyTheEventsMissing()
    {
        var disk = new Disk();
        using var sink = NewSink(maxHeld: 3, openAppend: disk.Open);
        sink.Emit(Event("before"));
        disk.Free = 25;
        var sent = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            sent.Add($"during {i}");
            sink.Emit(Event(sent[^1]));
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        disk.Free = long.MaxValue;
        _clock.Advance(TimeSpan.FromSeconds(1));
        sink.Emit(Event("after"));

        var messages = Messages(LogFile);
        var resumed = Assert.Single(messages, m => m.StartsWith("File logging to live.jsonl resumed", StringComparison.Ordinal));
        var missing = sent.Except(messages).Count();
        Assert.Equal(3, missing);
        Assert.EndsWith($"held events written, {missing} dropped", resumed);
    }

    [Fact]
    public void Constructor_FileEndingInAPartialRecord_CutsItBackToTheLastWholeLineAndSaysSo()
    {
        Directory.CreateDirectory(LogsDir);
        File.WriteAllText(LogFile, "{\"message\":\"whole\"}\n{\"message\":\"cut sho");

        using (var sink = NewSink())
        {
            sink.Emit(Event("next"));
        }

        Assert.Equal(["whole", "live.jsonl ended with a partial record (19 bytes, from a write that was interrupted); cut back to the last whole line", "next"], Messages(LogFile));
    }

    [Fact]
    public void Constructor_CreatesTheFileBeforeAnyEvent()
    {
        using var sink = NewSink();

        Assert.True(File.Exists(LogFile));
        Assert.Empty(_health.Faults);
    }

    public void Dispose() => _dir.Dispose();

    private ResilientFileSink NewSink(int maxHeld = 1000, Func<string, Stream>? openAppend = null) =>
        new(LogFile, new JsonLinesFormatter(), _console, _clock, _health, maxHeld, openAppend);

    private LogEvent Event(string text) =>
        new(_clock.GetUtcNow(), LogEventLevel.Information, null, new MessageTemplate(text, [new TextToken(text)]), []);

    private static string[] Messages(string path) =>
        HostProcess.ReadLog(path).Select(l => l.GetProperty("message").GetString()!).ToArray();

    /// <summary>
    /// The log file on a disk with <see cref="Free"/> bytes left: a write that does not fit stores what fits and then
    /// fails, as write(2) does on a full disk (a short write, then ENOSPC).
    /// </summary>
    private sealed class Disk
    {
        public long Free { get; set; } = long.MaxValue;

        public int TornWrites { get; private set; }

        public Stream Open(string path) => new FillingStream(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0), this);

        private sealed class FillingStream(FileStream file, Disk disk) : Stream
        {
            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => file.Length;

            public override long Position { get => file.Position; set => throw new NotSupportedException(); }

            public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

            public override void Write(ReadOnlySpan<byte> buffer)
            {
                if (buffer.Length > disk.Free)
                {
                    file.Write(buffer[..(int)disk.Free]);
                    disk.TornWrites += disk.Free > 0 ? 1 : 0;
                    disk.Free = 0;
                    throw new IOException("No space left on device");
                }

                file.Write(buffer);
                disk.Free -= buffer.Length;
            }

            public override void Flush() => file.Flush();

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    file.Dispose();
                }

                base.Dispose(disposing);
            }
        }
    }
}
