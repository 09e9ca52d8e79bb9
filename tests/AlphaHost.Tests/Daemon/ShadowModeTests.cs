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
    /// <summary>At least this many cycles (the live scores need some days after the first signals).</summary>
    private const int MinCycles = 40;

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

        // The shadow daemon runs until its family serves from its models (a heartbeat says so, and the journal holds
        // signals of a model set) and at least MinCycles cycles are done: how many cycles the family's worker takes to
        // start depends on the machine's load, so no fixed count is assumed. A stop finishes the cycle under way.
        using (var runShadow = HostProcess.Start(shadow, "run", "--config", "golden.yaml"))
        {
            await runShadow.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && l.GetProperty("message").GetString()!.Contains("ml_alpha:OK(shadow)", StringComparison.Ordinal))
                && ReadJournal(shadow).Count(l => l is not null) >= MinCycles && ReadJournal(shadow).Any(FromAModelSet));
            runShadow.SendSignal(15);
            Assert.Equal(0, await runShadow.WaitForExitAsync());
        }

        var actual = Combined(shadow);
        var cycles = actual.Keys.Select(k => k.Cycle).Distinct().Count();
        var (exitWithout, runWithout) = await HostProcess.RunAsync(without, "run", "--config", "golden.yaml", "--cycles", cycles.ToString(System.Globalization.CultureInfo.InvariantCulture));
        runWithout.Dispose();

        Assert.Equal(0, exitWithout);
        Assert.True(cycles >= MinCycles, $"{cycles} cycles");
        Assert.Equal(Combined(without), actual);

        var journal = ReadJournal(shadow);
        Assert.Equal(cycles, journal.Length);
        Assert.Contains(journal, FromAModelSet);
        Assert.DoesNotContain(File.ReadLines(Directory.GetFiles(Path.Combine(shadow, "runtime", "signals"), "signals_*.jsonl").Single()), l => l.Contains("ml_alpha", StringComparison.Ordinal));

        using var daemon = JsonDocument.Parse(File.ReadAllText(Path.Combine(shadow, "runtime", "daemon.json")));
        var scores = daemon.RootElement.GetProperty("live_scores").EnumerateArray().ToDictionary(s => s.GetProperty("family").GetString()!);
        Assert.True(scores["ml_alpha"].GetProperty("days").GetInt32() > 0);
        Assert.Equal("shadow", daemon.RootElement.GetProperty("families").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "ml_alpha").GetProperty("mode").GetString());
        Assert.Contains(HostProcess.ReadLog(Path.Combine(shadow, "runtime", "logs", "live.jsonl")), l => l.GetProperty("message").GetString()!.Contains("ml_alpha:OK(shadow)", StringComparison.Ordinal));
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>The shadow journal's lines as JSON; null for a line still being written.</summary>
    private static JsonElement?[] ReadJournal(string deployment)
    {
        var folder = Path.Combine(deployment, "runtime", "signals");
        return !Directory.Exists(folder) ? [] : Directory.GetFiles(folder, "shadow_ml_alpha_*.jsonl").SelectMany(File.ReadLines).Select(Parse).ToArray();

        static JsonElement? Parse(string line)
        {
            try
            {
                return JsonDocument.Parse(line).RootElement;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>A journal line with a non-zero signal from a model set (the family served from its models that cycle).</summary>
    private static bool FromAModelSet(JsonElement? line) =>
        line is { } l && l.GetProperty("signals").EnumerateObject().Any(s => s.Value.GetDouble() != 0) && l.GetProperty("models").GetString()!.StartsWith("set-", StringComparison.Ordinal);

    /// <summary>Every journal line's combined signal as written (the number's text, so equal means bit-for-bit), by cycle and symbol.</summary>
    private static Dictionary<(string Cycle, string Symbol), string> Combined(string deployment) =>
        Directory.GetFiles(Path.Combine(deployment, "runtime", "signals"), "signals_*.jsonl").SelectMany(File.ReadLines)
            .Select(l => SignalPattern().Match(l))
            .ToDictionary(m => (m.Groups["cycle"].Value, m.Groups["symbol"].Value), m => m.Groups["signal"].Value);

    [GeneratedRegex(@"""cycle"":(?<cycle>\d+),.*""symbol"":""(?<symbol>[^""]+)"",""signal"":(?<signal>[^,]+),")]
    private static partial Regex SignalPattern();
}
