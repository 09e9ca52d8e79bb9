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
    public void Constructor_CreatesTheFileBeforeAnyEvent()
    {
        using var sink = NewSink();

        Assert.True(File.Exists(LogFile));
        Assert.Empty(_health.Faults);
    }

    public void Dispose() => _dir.Dispose();

    private ResilientFileSink NewSink(int maxHeld = 1000) => new(LogFile, new JsonLinesFormatter(), _console, _clock, _health, maxHeld);

    private LogEvent Event(string text) =>
        new(_clock.GetUtcNow(), LogEventLevel.Information, null, new MessageTemplate(text, [new TextToken(text)]), []);

    private static string[] Messages(string path) =>
        HostProcess.ReadLog(path).Select(l => l.GetProperty("message").GetString()!).ToArray();
}
