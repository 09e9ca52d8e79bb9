using System.Text;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Workers;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Workers;

public sealed class WorkerOutputTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly List<string> _lines = [];
    private readonly List<string> _floods = [];
    private readonly OutputTally _tally = new();

    [Fact]
    public void Accept_LinesWithinBudget_PassedOnWholeNothingDroppedNotFlooding()
    {
        var output = Create(new WorkerOutputOptions { LineBytes = 100, BytesPerSecond = 1000 });

        output.Accept("first line\r\nsecond "u8);
        output.Accept("line\n"u8);

        Assert.Equal(["first line", "second line"], _lines);
        Assert.Equal(0, output.DroppedBytes);
        Assert.False(output.IsFlooding);
    }

    [Fact]
    public void Accept_LineLongerThanTheCut_CutThereMarkedAndTheRestDropped()
    {
        var output = Create(new WorkerOutputOptions { LineBytes = 80, BytesPerSecond = 100_000 });

        output.Accept(Encoding.ASCII.GetBytes(new string('a', 500) + "\nnext\n"));

        Assert.Equal([new string('a', 80) + "... (cut at 80 bytes)", "next"], _lines);
        Assert.Equal(420, output.DroppedBytes);
        Assert.False(output.IsFlooding);
    }

    [Fact]
    public void ReadToEnd_64MiBWithoutNewline_OneCutLineEverythingElseCounted()
    {
        var output = Create(new WorkerOutputOptions { LineBytes = 1024, BytesPerSecond = 1 << 30 });

        output.ReadToEnd(new EndlessBytes(64L << 20));

        var line = Assert.Single(_lines);
        Assert.EndsWith("... (cut at 1024 bytes)", line, StringComparison.Ordinal);
        Assert.Equal((64L << 20) - 1024, output.DroppedBytes);
        Assert.Equal(output.DroppedBytes, _tally.Total);
    }

    [Fact]
    public void Accept_MoreThanTheBudgetInASecond_RestDroppedCountedAndFlooding()
    {
        var output = Create(new WorkerOutputOptions { LineBytes = 100, BytesPerSecond = 1024 });

        output.Accept(Lines(3000));

        Assert.Equal(3000 - 1024, output.DroppedBytes);
        Assert.Equal(3000 - 1024, _tally.Total);
        Assert.True(output.IsFlooding);
        Assert.StartsWith("output_flood:", output.FloodDetail, StringComparison.Ordinal);
        Assert.Empty(_floods);
    }

    [Fact]
    public void IsFlooding_QuietSinceTheLastDrop_ClearsAfterTheFloodingTime()
    {
        var output = Create(new WorkerOutputOptions { LineBytes = 100, BytesPerSecond = 1024 });
        output.Accept(Lines(3000));

        _clock.Advance(WorkerOutput.FloodingFor);

        Assert.False(output.IsFlooding);
    }

    [Fact]
    public void Accept_OverTheBudgetForFloodSecondsInARow_ReportedOnce()
    {
        var output = Create(new WorkerOutputOptions { LineBytes = 100, BytesPerSecond = 1024, FloodSeconds = 3 });

        for (var second = 0; second < 5; second++)
        {
            output.Accept(Lines(2000));
            output.Accept(Lines(2000));
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        var flood = Assert.Single(_floods);
        Assert.StartsWith("output_flood: it wrote more than 1024 bytes a second to its console for 3 s", flood, StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_OverTheBudgetWithQuietSecondsBetween_NotReported()
    {
        var output = Create(new WorkerOutputOptions { LineBytes = 100, BytesPerSecond = 1024, FloodSeconds = 3 });

        for (var burst = 0; burst < 6; burst++)
        {
            output.Accept(Lines(2000));
            _clock.Advance(TimeSpan.FromSeconds(2.5));
        }

        Assert.Empty(_floods);
        Assert.True(output.DroppedBytes > 0);
    }

    private WorkerOutput Create(WorkerOutputOptions options) => new(options, _clock, _tally, _lines.Add, _floods.Add);

    private static byte[] Lines(int bytes)
    {
        var text = new StringBuilder();
        while (text.Length < bytes)
        {
            text.Append("a line of output\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, bytes));
    }

    /// <summary>A stream of <c>length</c> 'x' bytes without a newline, produced as it is read (nothing held).</summary>
    private sealed class EndlessBytes(long length) : Stream
    {
        private long _left = length;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, _left);
            buffer.AsSpan(offset, n).Fill((byte)'x');
            _left -= n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
