using System.Text.Json;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Cycle;

public sealed class SignalWriterTests
{
    [Fact]
    public void Write_TwoCycles_AppendsJournalLinesAndReplacesLatest()
    {
        using var dir = new TempDir();
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z"));
        using var writer = new SignalWriter(dir.Path, clock);

        writer.Write(Cycle(1, 0.5));
        writer.Write(Cycle(2, -0.25));

        var journal = File.ReadAllLines(dir.File("signals_20261123.jsonl"));
        Assert.Equal(4, journal.Length);
        using var line = JsonDocument.Parse(journal[3]);
        Assert.Equal("BBB", line.RootElement.GetProperty("symbol").GetString());
        Assert.Equal(2, line.RootElement.GetProperty("cycle").GetInt64());
        Assert.Equal(-0.125, line.RootElement.GetProperty("contributions").GetProperty("momentum").GetDouble());

        Assert.True(writer.Flush(TimeSpan.FromSeconds(30)));
        using var latest = JsonDocument.Parse(File.ReadAllText(writer.LatestPath));
        Assert.Equal(2, latest.RootElement.GetProperty("cycle").GetInt64());
        Assert.Equal(-0.25, latest.RootElement.GetProperty("signals").GetProperty("AAA").GetProperty("signal").GetDouble());
        Assert.Equal(["latest.json", "signals_20261123.jsonl"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Write_ModelFamilyContributed_EveryJournalLineAndLatestNameItsModelVersion_OtherwiseNoModelsField()
    {
        using var dir = new TempDir();
        using var writer = new SignalWriter(dir.Path, new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z")));

        writer.Write(Cycle(1, 0.5));
        writer.Write(Cycle(2, 0.5) with { ModelVersions = new Dictionary<string, string> { ["regime"] = "set-0123456789ab" } });

        var journal = File.ReadAllLines(dir.File("signals_20261123.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.All(journal.Take(2), l => Assert.False(l.TryGetProperty("models", out _)));
        Assert.All(journal.Skip(2), l => Assert.Equal("set-0123456789ab", l.GetProperty("models").GetProperty("regime").GetString()));
        Assert.True(writer.Flush(TimeSpan.FromSeconds(30)));
        using var latest = JsonDocument.Parse(File.ReadAllText(writer.LatestPath));
        Assert.Equal("set-0123456789ab", latest.RootElement.GetProperty("models").GetProperty("regime").GetString());
    }

    [Fact]
    public void WriteRounded_AnySignalOrContribution_ReadsBackAsTheValueRoundedToSixDecimals()
    {
        var random = new Random(7);
        var values = new List<double> { 0, -0.0, 1, -1, 0.5, -0.125, 1e-6, -1e-6, 4e-7, 5e-7, 0.0000015, 0.1234565, 0.999999, 0.9999996, 12.5, -3.000001, 1234567.891 };
        for (var i = 0; i < 20_000; i++)
        {
            values.Add((random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-8, 3)));
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            for (var i = 0; i < values.Count; i++)
            {
                SignalWriter.WriteRounded(json, JsonEncodedText.Encode($"v{i}"), values[i]);
            }

            json.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        for (var i = 0; i < values.Count; i++)
        {
            var text = document.RootElement.GetProperty($"v{i}").GetRawText();
            Assert.True(Math.Round(values[i], 6) == double.Parse(text, System.Globalization.CultureInfo.InvariantCulture), $"{values[i]:R} was written as {text}");
            Assert.DoesNotContain("E", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"ts\":\"2026-11-23T09:59:59.000Z\",\"cycle\":7,\"symbol\":\"AAA\"}\n")]
    public void Write_JournalEndingInAPartialLine_TrimsItSoEveryLineIsWhole(string whole)
    {
        using var dir = new TempDir();
        var path = dir.Write("signals_20261123.jsonl", whole + "{\"ts\":\"2026-11-23T09:59:59.000Z\",\"cycle\":8,\"sym");
        var logger = new CapturingLogger();
        using var writer = new SignalWriter(dir.Path, new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z")), logger);

        writer.Write(Cycle(9, 0.5));

        var lines = File.ReadAllLines(path);
        Assert.Equal(whole.Length == 0 ? 2 : 3, lines.Length);
        Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
        Assert.Contains(logger.Snapshot(), e => e.Message.Contains("partial line") && e.Message.Contains("bytes dropped"));
    }

    [Fact]
    public void RemoveLeftovers_TempFilesOfDeadWriters_AreRemovedAndALiveOnesKept()
    {
        using var dir = new TempDir();
        var dead = dir.Write($".latest.json.{int.MaxValue - 7}.0123456789abcdef.tmp", "{\"cycle\":");
        var live = dir.Write($".latest.json.{Environment.ProcessId}.0123456789abcdef.tmp", "{\"cycle\":");
        using var writer = new SignalWriter(dir.Path, TimeProvider.System);

        var removed = writer.RemoveLeftovers();

        Assert.Equal(1, removed);
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
    }

    [Fact]
    public void Write_JournalsOlderThanTheRetentionDays_AreRemovedAndTheRecentOnesKept()
    {
        using var dir = new TempDir();
        foreach (var day in new[] { "20261101", "20261115", "20261116", "20261122" })
        {
            dir.Write($"signals_{day}.jsonl", "{}\n");
        }

        var unrelated = dir.Write("signals_backup.jsonl", "{}\n");
        var logger = new CapturingLogger();
        using var writer = new SignalWriter(dir.Path, new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z")), logger, () => new SignalJournalLimits(7, 0));

        writer.Write(Cycle(1, 0.5));

        Assert.True(writer.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["latest.json", "signals_20261116.jsonl", "signals_20261122.jsonl", "signals_20261123.jsonl", "signals_backup.jsonl"],
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(File.Exists(unrelated));
        Assert.Contains(logger.Snapshot(), e => e.Message.Contains("removed 2 file(s)") && e.Message.Contains("signals_20261101.jsonl, signals_20261115.jsonl"));
    }

    [Fact]
    public void Write_ShadowJournalsOlderThanTheRetentionDays_AreRemovedLikeTheSignalJournalAndTodaysAreKept()
    {
        using var dir = new TempDir();
        foreach (var file in new[] { "shadow_ml_candidate_20261101.jsonl", "shadow_ml_candidate_20261122.jsonl", "shadow_ml_alpha_20261115.jsonl", "shadow_ml_alpha_20261123.jsonl" })
        {
            dir.Write(file, "{}\n");
        }

        var unrelated = dir.Write("shadow_notes.jsonl", "{}\n");
        var logger = new CapturingLogger();
        using var writer = new SignalWriter(dir.Path, new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z")), logger, () => new SignalJournalLimits(7, 0));

        writer.Write(Cycle(1, 0.5));

        Assert.True(writer.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["latest.json", "shadow_ml_alpha_20261123.jsonl", "shadow_ml_candidate_20261122.jsonl", "shadow_notes.jsonl", "signals_20261123.jsonl"],
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(File.Exists(unrelated));
        Assert.Contains(logger.Snapshot(), e => e.Message.Contains("removed 2 file(s)") && e.Message.Contains("shadow_ml_candidate_20261101.jsonl, shadow_ml_alpha_20261115.jsonl"));
    }

    [Fact]
    public void Write_EarlierJournalsOverTheSizeCap_OldestAreRemovedAndTodaysIsNeverCut()
    {
        using var dir = new TempDir();
        var megabyte = new string('x', 1024 * 1024 - 1) + "\n";
        foreach (var day in new[] { "20261120", "20261121", "20261122" })
        {
            dir.Write($"signals_{day}.jsonl", megabyte);
        }

        var today = dir.Write("signals_20261123.jsonl", megabyte + megabyte + megabyte);
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z"));
        using var writer = new SignalWriter(dir.Path, clock, limits: () => new SignalJournalLimits(0, 2));

        writer.Write(Cycle(1, 0.5));

        Assert.True(writer.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["latest.json", "signals_20261121.jsonl", "signals_20261122.jsonl", "signals_20261123.jsonl"],
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(new FileInfo(today).Length > 3 * 1024 * 1024);
    }

    [Fact]
    public void Write_LimitsLoweredWhileRunning_ApplyAtTheNextCycleAndANewDayPrunesAgain()
    {
        using var dir = new TempDir();
        dir.Write("signals_20261120.jsonl", "{}\n");
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z"));
        var limits = new SignalJournalLimits(30, 0);
        using var writer = new SignalWriter(dir.Path, clock, limits: () => limits);

        writer.Write(Cycle(1, 0.5));
        Assert.True(File.Exists(dir.File("signals_20261120.jsonl")));

        limits = new SignalJournalLimits(2, 0);
        writer.Write(Cycle(2, 0.5));
        Assert.False(File.Exists(dir.File("signals_20261120.jsonl")));

        clock.Advance(TimeSpan.FromDays(3));
        writer.Write(Cycle(3, 0.5));
        Assert.True(writer.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal(["latest.json", "signals_20261126.jsonl"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private static CombinedSignals Cycle(long cycle, double signal) => new(cycle, new DateOnly(2016, 1, 4), ["momentum", "regime"],
    [
        new SymbolSignal("AAA", signal, [signal / 2, signal / 2]),
        new SymbolSignal("BBB", signal, [signal / 2, signal / 2]),
    ]);
}
