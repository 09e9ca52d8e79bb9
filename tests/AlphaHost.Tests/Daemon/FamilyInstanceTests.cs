using System.Text.Json;
using System.Text.RegularExpressions;
using AlphaHost.Tests.Families.MlAlpha;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>
/// Two instances of the ML family in one daemon (<c>families.ml_candidate.family: ml_alpha</c>): each with its own models,
/// state folder, governance, worker, status entries, journal and scores.
/// </summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed partial class FamilyInstanceTests : IDisposable
{
    /// <summary>Enough cycles at 100 ms for the live instance to load its models (a few seconds on a busy machine) and serve a while.</summary>
    private const int Cycles = 90;

    /// <summary>The shipped config's <c>signal.hold_days</c>: the ML signal traded is the mean of this many days.</summary>
    private const int HoldDays = 5;

    private const string Candidate = "  ml_candidate:\n    family: ml_alpha\n    mode: shadow\n    models_dir: models/ml_candidate\n    model_refresh: 200ms\n    training:\n      scope: symbol\n      trees: 20\n";

    private readonly TempDir _dir = new();

    [Fact]
    public async Task Run_CandidateInstanceInShadowBesideLiveMl_CombinedSignalBitForBitAsWithoutIt_WhileItsOwnJournalStateAndScoresAreWritten()
    {
        var without = Deployment("without", candidate: false, "100ms");
        var with = Deployment("with", candidate: true, "100ms");

        var (exitWithout, runWithout) = await HostProcess.RunAsync(without, "run", "--config", "golden.yaml", "--cycles", $"{Cycles}");
        var (exitWith, runWith) = await HostProcess.RunAsync(with, "run", "--config", "golden.yaml", "--cycles", $"{Cycles}");
        runWithout.Dispose();
        runWith.Dispose();

        Assert.Equal((0, 0), (exitWithout, exitWith));
        // The live instance loads its models in the background, in each run at its own pace: from its first served cycle in
        // both runs plus its holding window, both runs trade the same ML signal, and only the candidate could make them differ.
        var from = Math.Max(FirstServedCycle(without), FirstServedCycle(with)) + HoldDays;
        var expected = Combined(without).Where(s => s.Key.Cycle >= from).ToDictionary();
        Assert.True(Cycles - from >= 15, $"the live ML instance served from cycle {from - HoldDays} on");
        Assert.Equal(expected, Combined(with).Where(s => s.Key.Cycle >= from).ToDictionary());
        var journal = File.ReadLines(Journal(with, "signals_*.jsonl")).ToArray();
        Assert.Contains(journal, l => JsonDocument.Parse(l).RootElement.GetProperty("contributions").TryGetProperty("ml_alpha", out var ml) && ml.GetDouble() != 0);
        Assert.DoesNotContain(journal, l => l.Contains("ml_candidate", StringComparison.Ordinal));

        var shadow = File.ReadLines(Journal(with, "shadow_ml_candidate_*.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(Cycles, shadow.Length);
        Assert.Contains(shadow, l => l.GetProperty("signals").EnumerateObject().Any(s => s.Value.GetDouble() != 0) && l.GetProperty("models").GetString()!.StartsWith("set-", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(Path.Combine(with, "runtime", "signals"), "shadow_ml_alpha_*"));

        Assert.Equal(Path.Combine(with, "models", "ml_alpha"), ServedFrom(with, "ml_alpha"));
        Assert.Equal(Path.Combine(with, "models", "ml_candidate"), ServedFrom(with, "ml_candidate"));
        using var daemon = JsonDocument.Parse(File.ReadAllText(Path.Combine(with, "runtime", "daemon.json")));
        var families = daemon.RootElement.GetProperty("families").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);
        Assert.Equal(("live", "shadow"), (families["ml_alpha"].GetProperty("mode").GetString(), families["ml_candidate"].GetProperty("mode").GetString()));
        var scores = daemon.RootElement.GetProperty("live_scores").EnumerateArray().ToDictionary(s => s.GetProperty("family").GetString()!);
        Assert.True(scores["ml_candidate"].GetProperty("days").GetInt32() > 0);
        Assert.True(scores["ml_alpha"].GetProperty("days").GetInt32() > 0);
        var heartbeat = HostProcess.ReadLog(Path.Combine(with, "runtime", "logs", "live.jsonl")).Last(HostProcess.IsHeartbeat).GetProperty("message").GetString()!;
        // Each instance's own entry: OK, or DEGRADED on days a modelled symbol of the sample market has no valid features.
        Assert.Matches(@"families=ml_alpha:(OK|DEGRADED),ml_candidate:(OK|DEGRADED)\(shadow\),", heartbeat);
    }

    [Fact]
    public async Task Daemon_TwoMlInstances_EachHasItsOwnGovernance_DisablingOneLeavesTheOtherServing_AndAReloadSharingAModelsFolderIsRefused()
    {
        var deployment = Deployment("daemon", candidate: true, "100ms");
        var config = Path.Combine(deployment, "golden.yaml");
        var hash = TrainedModels.Contract.Hash;
        new AlphaHost.Plugins.MlAlpha.Governance.GovernanceBreaker(Path.Combine(deployment, "runtime", "state", "ml_candidate", "governance.json"), "ml_v1", hash,
            new(1, TimeSpan.FromMinutes(5)), TimeProvider.System).RecordFailure("FEATURE_MISMATCH");

        using var host = HostProcess.Start(deployment, "run", "--config", config);
        await Poll.UntilAsync(() => State(deployment, "ml_alpha") is "OK" or "DEGRADED" && State(deployment, "ml_candidate") == "DISABLED_GOVERNANCE");
        Assert.False(await GovernanceDisabledAsync(deployment, config, null));
        Assert.True(await GovernanceDisabledAsync(deployment, config, "ml_candidate"));

        var (resetExit, reset) = await HostProcess.RunAsync(deployment, "ml", "reset-governance", "--family", "ml_candidate", "--reason", "checked", "--config", config);
        using (reset)
        {
            Assert.True(resetExit == 0, reset.Stdout + reset.Stderr);
            Assert.Contains("ml_candidate", reset.Stdout, StringComparison.Ordinal);
        }

        var (disableExit, disable) = await HostProcess.RunAsync(deployment, "ml", "disable", "--family", "ml_candidate", "--reason", "candidate off", "--config", config);
        using (disable)
        {
            Assert.True(disableExit == 0, disable.Stdout + disable.Stderr);
            Assert.Contains("families.ml_candidate.enabled: true -> false (candidate off)", disable.Stdout, StringComparison.Ordinal);
            Assert.Contains("ml_candidate DISABLED_CONFIG", disable.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("ml_enabled: true", File.ReadAllText(config), StringComparison.Ordinal);
        var disabledAt = Cycle(deployment);
        await Poll.UntilAsync(() => Latest(deployment) is { } latest && latest.Cycle > disabledAt + 3 && latest.Text.Contains("\"ml_alpha\":\"set-", StringComparison.Ordinal));
        Assert.Equal("DISABLED_CONFIG", State(deployment, "ml_candidate"));
        Assert.DoesNotContain("DISABLED", State(deployment, "ml_alpha"), StringComparison.Ordinal);

        File.AppendAllText(config, "  ml_clash:\n    family: ml_alpha\n    models_dir: models/ml_alpha/\n");
        var lines = File.ReadAllLines(config).Length;
        await Poll.UntilAsync(() => ConfigError(deployment) is not null);
        Assert.Equal($"{config}:{lines}: families.ml_clash.models_dir: {Path.Combine(deployment, "models", "ml_alpha")} is also the models_dir of families.ml_alpha (line {ModelsDirLine(config)}); each instance of ml_alpha needs its own",
            ConfigError(deployment));
        var refusedAt = Cycle(deployment);
        await Poll.UntilAsync(() => Cycle(deployment) > refusedAt + 2);
        Assert.Null(State(deployment, "ml_clash"));
        Assert.DoesNotContain("DISABLED", State(deployment, "ml_alpha"), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(deployment, "runtime", "state", "ml_clash")));

        host.SendSignal(15);
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    [Fact]
    public async Task Cli_FamilyNamingNoLoadedPlugin_ExitsTwoWithOneLine_TrainForAnInstance_WritesIntoItsModelsFolder()
    {
        var deployment = Deployment("cli", candidate: true, "50ms", candidateModels: false);
        var config = Path.Combine(deployment, "golden.yaml");
        var broken = _dir.Write("broken.yaml", File.ReadAllText(config).Replace("    family: ml_alpha\n    mode: shadow", "    family: ml_beta\n    mode: shadow"));
        var line = File.ReadAllLines(broken).ToList().IndexOf("    family: ml_beta") + 1;

        var (validateExit, validate) = await HostProcess.RunAsync(deployment, "config", "validate", "--config", broken);
        using (validate)
        {
            Assert.Equal(2, validateExit);
            Assert.StartsWith($"error: {broken}:{line}: families.ml_candidate.family: names no loaded plugin family 'ml_beta' (loaded: ", validate.Stderr, StringComparison.Ordinal);
            Assert.Single(validate.Stderr.Trim().Split('\n'));
        }

        var (trainExit, train) = await HostProcess.RunAsync(deployment, "train", "--family", "ml_candidate", "--symbols", "AAA", "--end", "2017-12-29", "--config", config);
        using (train)
        {
            Assert.True(trainExit == 0, train.Stdout + train.Stderr);
        }

        Assert.True(Directory.Exists(Path.Combine(deployment, "models", "ml_candidate", "AAA_v1_latest")));
        Assert.Contains("\"action\":\"train\"", File.ReadAllText(Path.Combine(deployment, "models", "ml_candidate", "switches.jsonl")), StringComparison.Ordinal);
        Assert.Equal(Entries(TrainedModels.Folder), Entries(Path.Combine(deployment, "models", "ml_alpha")));
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>A deployment folder with the shipped config (ML on, live, with the test models), and the candidate beside it when asked.</summary>
    private string Deployment(string name, bool candidate, string cycleInterval, bool candidateModels = true)
    {
        var folder = Path.Combine(_dir.Path, name);
        TrainedModels.CopyTo(Path.Combine(folder, "models", "ml_alpha"));
        if (candidate && candidateModels)
        {
            TrainedModels.CopyTo(Path.Combine(folder, "models", "ml_candidate"));
        }

        File.WriteAllText(Path.Combine(folder, "golden.yaml"), TestConfigs.Golden(mlEnabled: true, cycleInterval, heartbeat: "300ms") + (candidate ? Candidate : ""));
        return folder;
    }

    private static string[] Entries(string folder) => [.. Directory.GetFileSystemEntries(folder).Select(e => Path.GetFileName(e)).Order(StringComparer.Ordinal)];

    private static string Journal(string deployment, string pattern) => Directory.GetFiles(Path.Combine(deployment, "runtime", "signals"), pattern).Single();

    /// <summary>The first cycle whose journal lines name the live ML instance's serving set (it contributed).</summary>
    private static long FirstServedCycle(string deployment) =>
        File.ReadLines(Journal(deployment, "signals_*.jsonl")).Where(l => l.Contains("\"models\":{\"ml_alpha\":", StringComparison.Ordinal))
            .Select(l => long.Parse(SignalPattern().Match(l).Groups["cycle"].Value, System.Globalization.CultureInfo.InvariantCulture)).Min();

    /// <summary>Every journal line's combined signal as written (the number's text, so equal means bit-for-bit), by cycle and symbol.</summary>
    private static Dictionary<(long Cycle, string Symbol), string> Combined(string deployment) =>
        File.ReadLines(Journal(deployment, "signals_*.jsonl"))
            .Select(l => SignalPattern().Match(l))
            .ToDictionary(m => (long.Parse(m.Groups["cycle"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["symbol"].Value), m => m.Groups["signal"].Value);

    /// <summary>The models folder an instance's serving set came from (its own <c>serving.json</c> in its own state folder).</summary>
    private static string ServedFrom(string deployment, string instance)
    {
        using var serving = JsonDocument.Parse(File.ReadAllText(Path.Combine(deployment, "runtime", "state", instance, "serving.json")));
        return serving.RootElement.GetProperty("models_dir").GetString()!;
    }

    private static JsonElement? Record(string deployment)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(Path.Combine(deployment, "runtime", "daemon.json"))).RootElement;
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    private static string? State(string deployment, string instance) =>
        Record(deployment)?.GetProperty("families").EnumerateArray().FirstOrDefault(f => f.GetProperty("name").GetString() == instance) is { ValueKind: JsonValueKind.Object } family
            ? family.GetProperty("state").GetString()
            : null;

    private static long Cycle(string deployment) => Record(deployment)?.GetProperty("cycle").GetInt64() ?? 0;

    private static string? ConfigError(string deployment) =>
        Record(deployment) is { } record && record.TryGetProperty("config_error", out var error) && error.ValueKind == JsonValueKind.String ? error.GetString() : null;

    private static (long Cycle, string Text)? Latest(string deployment)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(deployment, "runtime", "signals", "latest.json"));
            return (JsonDocument.Parse(text).RootElement.GetProperty("cycle").GetInt64(), text);
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    private static int ModelsDirLine(string config) => File.ReadAllLines(config).ToList().IndexOf("    models_dir: models/ml_alpha") + 1;

    private static async Task<bool> GovernanceDisabledAsync(string deployment, string config, string? instance)
    {
        string[] args = instance is null ? ["ml", "status", "--json", "--config", config] : ["ml", "status", "--json", "--family", instance, "--config", config];
        var (exit, status) = await HostProcess.RunAsync(deployment, args);
        using (status)
        {
            Assert.True(exit == 0, status.Stdout + status.Stderr);
            var facts = JsonDocument.Parse(status.Stdout).RootElement;
            Assert.Equal(instance ?? "ml_alpha", facts.GetProperty("family").GetString());
            return facts.GetProperty("governance").GetProperty("disabled").GetBoolean();
        }
    }

    [GeneratedRegex(@"""cycle"":(?<cycle>\d+),.*""symbol"":""(?<symbol>[^""]+)"",""signal"":(?<signal>[^,]+),")]
    private static partial Regex SignalPattern();
}
