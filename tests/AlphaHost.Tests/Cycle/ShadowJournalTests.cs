using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Host.Cycle;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace AlphaHost.Tests.Cycle;

/// <summary>The shadow journal: what a candidate in <c>mode: shadow</c> did each cycle, read back to judge it.</summary>
public sealed class ShadowJournalTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Write_FamilyAnsweredInTimeButDegraded_StateIsTheFamilysStateWithItsDetailNotHowItsTurnEnded()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));
        var loading = new FamilyOutcome(Handles.For(Mock.Of<IAlphaFamily>(), "ml_alpha"), OutcomeKind.Ok, new Dictionary<string, double>(), 0.4,
            new FamilyHealth(FamilyState.Degraded, 0, "loading models from /models"));
        var serving = loading with { Signals = new Dictionary<string, double> { ["AAA"] = 0.25 }, Health = new FamilyHealth(FamilyState.Ok, 0, "models=1 predicted=1") };

        var journal = new ShadowJournal(_dir.Path, clock);
        journal.Write(1, new DateOnly(2018, 1, 2), [loading]);
        journal.Write(2, new DateOnly(2018, 1, 3), [serving]);

        var lines = File.ReadLines(Path.Combine(_dir.Path, "shadow_ml_alpha_20261208.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["DEGRADED", "OK"], lines.Select(l => l.GetProperty("state").GetString()));
        Assert.Equal(["Ok", "Ok"], lines.Select(l => l.GetProperty("outcome").GetString()));
        Assert.Equal("loading models from /models", lines[0].GetProperty("detail").GetString());
        Assert.Equal(0.25, lines[1].GetProperty("signals").GetProperty("AAA").GetDouble());
    }

    public void Dispose() => _dir.Dispose();
}
