using System.Text.Json;
using System.Text.RegularExpressions;
using AlphaHost.Tests.Families.MlAlpha;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>A family in <c>mode: shadow</c> in the built daemon: computed, journaled and scored, no part of the combined signal.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed partial class ShadowModeTests : IDisposable
{
    private const string Cycles = "40";
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Run_MlFamilyInShadow_CombinedSignalBitForBitAsWithoutIt_WhileItsJournalAndScoresAreWritten()
    {
        var without = Path.Combine(_dir.Path, "without");
        var shadow = Path.Combine(_dir.Path, "shadow");
        Directory.CreateDirectory(without);
        TrainedModels.CopyTo(Path.Combine(shadow, "models", "ml_alpha"));
        File.WriteAllText(Path.Combine(without, "golden.yaml"), TestConfigs.Golden(mlEnabled: false, cycleInterval: "50ms", heartbeat: "300ms"));
        File.WriteAllText(Path.Combine(shadow, "golden.yaml"), TestConfigs.Golden(mlEnabled: true, cycleInterval: "50ms", heartbeat: "300ms")
            .Replace("    mode: live ", "    mode: shadow "));

        var (exitWithout, runWithout) = await HostProcess.RunAsync(without, "run", "--config", "golden.yaml", "--cycles", Cycles);
        var (exitShadow, runShadow) = await HostProcess.RunAsync(shadow, "run", "--config", "golden.yaml", "--cycles", Cycles);
        runWithout.Dispose();
        runShadow.Dispose();

        Assert.Equal((0, 0), (exitWithout, exitShadow));
        var expected = Combined(without);
        Assert.Equal(int.Parse(Cycles), expected.Keys.Select(k => k.Cycle).Distinct().Count());
        Assert.Equal(expected, Combined(shadow));

        var journal = Directory.GetFiles(Path.Combine(shadow, "runtime", "signals"), "shadow_ml_alpha_*.jsonl").SelectMany(File.ReadLines)
            .Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(int.Parse(Cycles), journal.Length);
        Assert.Contains(journal, l => l.GetProperty("signals").EnumerateObject().Any(s => s.Value.GetDouble() != 0) && l.GetProperty("models").GetString()!.StartsWith("set-", StringComparison.Ordinal));
        Assert.DoesNotContain(File.ReadLines(Directory.GetFiles(Path.Combine(shadow, "runtime", "signals"), "signals_*.jsonl").Single()), l => l.Contains("ml_alpha", StringComparison.Ordinal));

        using var daemon = JsonDocument.Parse(File.ReadAllText(Path.Combine(shadow, "runtime", "daemon.json")));
        var scores = daemon.RootElement.GetProperty("live_scores").EnumerateArray().ToDictionary(s => s.GetProperty("family").GetString()!);
        Assert.True(scores["ml_alpha"].GetProperty("days").GetInt32() > 0);
        Assert.Equal("shadow", daemon.RootElement.GetProperty("families").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "ml_alpha").GetProperty("mode").GetString());
        Assert.Contains(HostProcess.ReadLog(Path.Combine(shadow, "runtime", "logs", "live.jsonl")), l => l.GetProperty("message").GetString()!.Contains("ml_alpha:OK(shadow)", StringComparison.Ordinal));
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Every journal line's combined signal as written (the number's text, so equal means bit-for-bit), by cycle and symbol.</summary>
    private static Dictionary<(string Cycle, string Symbol), string> Combined(string deployment) =>
        Directory.GetFiles(Path.Combine(deployment, "runtime", "signals"), "signals_*.jsonl").SelectMany(File.ReadLines)
            .Select(l => SignalPattern().Match(l))
            .ToDictionary(m => (m.Groups["cycle"].Value, m.Groups["symbol"].Value), m => m.Groups["signal"].Value);

    [GeneratedRegex(@"""cycle"":(?<cycle>\d+),.*""symbol"":""(?<symbol>[^""]+)"",""signal"":(?<signal>[^,]+),")]
    private static partial Regex SignalPattern();
}
