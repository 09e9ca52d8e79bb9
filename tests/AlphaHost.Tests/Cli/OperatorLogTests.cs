using System.Text.Json;
using AlphaHost.Host.Cli;
using AlphaHost.Host.Configuration;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Cli;

/// <summary><c>runtime/logs/operator.jsonl</c>: who changed what and when.</summary>
public sealed class OperatorLogTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Append_InjectedClock_LineIsStampedWithItsTime()
    {
        var paths = new RuntimePaths(_dir.File("plugins"), _dir.File("runtime"));
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 5, 6, 7, 8, 9, 250, TimeSpan.Zero));

        OperatorLog.Append(paths, clock, "ml disable", "drill", new { change = "features.ml_alpha: true -> false" });
        clock.Advance(TimeSpan.FromHours(1));
        OperatorLog.Append(paths, clock, "ml enable", "drill over", new { change = "features.ml_alpha: false -> true" });

        var stamps = File.ReadLines(Path.Combine(paths.LogsDir, "operator.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("ts").GetString());
        Assert.Equal(["2031-05-06T07:08:09.250Z", "2031-05-06T08:08:09.250Z"], stamps);
    }

    public void Dispose() => _dir.Dispose();
}
