using System.Text.Json;
using AlphaHost.Plugins.MlAlpha.Governance;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Tests.Families.MlAlpha;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>The runbook's offline commands as an operator types them: models validate, contract show/diff, features, audit, ml.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class OperatorCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    private string Models => Path.Combine(_dir.Path, "models", "ml_alpha");

    [Fact]
    public async Task PluginsList_PinsPrintedByIt_MakeEveryShippedPluginPinnedInAlignedColumns()
    {
        var (pinsExit, pins) = await Run("plugins", "list", "--pins");
        using var _ = pins;
        var config = Config();
        var golden = File.ReadAllText(config);
        var section = golden[golden.IndexOf("plugins:\n", StringComparison.Ordinal)..golden.IndexOf("market:\n", StringComparison.Ordinal)];
        File.WriteAllText(config, golden.Replace(section, pins.Stdout + "\n"));

        var (exit, host) = await Run("plugins", "list");
        using var __ = host;

        Assert.Equal((0, 0), (pinsExit, exit));
        var lines = host.Stdout.Trim().Split('\n');
        Assert.Equal("plugins.require_trusted: true", lines[1]);
        var table = lines[2..];
        Assert.Equal(["ml_alpha", "momentum", "regime", "reversal"], table[1..].Select(l => l.Split(' ')[0]));
        foreach (var column in new[] { "ENABLED", "FOLDER", "ASSEMBLY", "VERSION", "LOAD CONTEXT", "TRUST", "SHA256" })
        {
            var at = table[0].IndexOf(column, StringComparison.Ordinal);
            Assert.All(table[1..], row => Assert.True(row[(at - 2)..at] == "  " && row[at] != ' ', $"{column} not aligned in: {row}"));
        }

        Assert.All(table[1..], row => Assert.Equal("pinned", row[table[0].IndexOf("TRUST", StringComparison.Ordinal)..].Split(' ')[0]));
    }

    [Fact]
    public async Task ModelsValidate_OneTamperedModel_ListsEveryFolderAndExitsOne()
    {
        TrainedModels.CopyTo(Models);
        var tampered = new ModelStore(Models, "v1", TimeProvider.System).ResolveLatest("AAB", Path.Combine(Models, "AAB_v1_latest"));
        File.AppendAllText(Path.Combine(tampered, ModelStore.ModelFile), "x");

        var (exit, host) = await Run("models", "validate");
        using var _ = host;

        Assert.Equal(1, exit);
        var lines = host.Stdout.Trim().Split('\n');
        Assert.Equal(TrainedModels.Summary.Trained.Count + 1, lines.Length);
        Assert.Contains(lines, l => l.StartsWith($"HASH MISMATCH: {Path.GetFileName(tampered)}", StringComparison.Ordinal));
        Assert.Equal(TrainedModels.Summary.Trained.Count - 1, lines.Count(l => l.StartsWith("OK: ", StringComparison.Ordinal)));
        Assert.EndsWith($"{TrainedModels.Summary.Trained.Count - 1} OK, 1 bad", lines[^1]);
    }

    [Fact]
    public async Task ModelsValidate_LatestChainsLeavingTheModelsFolderAndEditedMetadata_NamedWithTheirStatusAndExitOne()
    {
        TrainedModels.CopyTo(Models);
        var store = new ModelStore(Models, "v1", TimeProvider.System);
        var outside = Path.Combine(_dir.Path, "elsewhere");
        var aab = store.ResolveLatest("AAB", Path.Combine(Models, "AAB_v1_latest"));
        Directory.CreateDirectory(outside);
        Directory.Move(aab, Path.Combine(outside, Path.GetFileName(aab)));
        File.Delete(Path.Combine(Models, "AAB_v1_latest"));
        Directory.CreateSymbolicLink(Path.Combine(Models, "AAB_v1_hop"), Path.Combine(outside, Path.GetFileName(aab)));
        Directory.CreateSymbolicLink(Path.Combine(Models, "AAB_v1_latest"), "AAB_v1_hop");
        File.Delete(Path.Combine(Models, "AAC_v1_latest"));
        Directory.CreateSymbolicLink(Path.Combine(Models, "AAC_v1_hop"), "/etc");
        Directory.CreateSymbolicLink(Path.Combine(Models, "AAC_v1_latest"), "AAC_v1_hop");
        var aad = store.ResolveLatest("AAD", Path.Combine(Models, "AAD_v1_latest"));
        var meta = Path.Combine(aad, ModelStore.MetaFile);
        File.WriteAllText(meta, File.ReadAllText(meta).Replace("\"scale\": ", "\"scale\": 1e-300, \"was\": ", StringComparison.Ordinal));

        var (exit, host) = await Run("models", "validate");
        using var _ = host;

        Assert.Equal(1, exit);
        var lines = host.Stdout.Trim().Split('\n');
        Assert.Contains(lines, l => l.StartsWith($"LINK OUTSIDE MODELS: AAB_v1_latest: AAB_v1_hop -> {outside}/", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("LINK OUTSIDE MODELS: AAC_v1_latest: AAC_v1_hop -> /etc leads outside the models folder", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"META HASH MISMATCH: {Path.GetFileName(aad)}: model_meta.json was changed after training", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ModelsValidate_Json_IsMachineReadableAndZeroWhenAllGood()
    {
        TrainedModels.CopyTo(Models);

        var (exit, host) = await Run("models", "validate", "--json");
        using var _ = host;

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(host.Stdout);
        Assert.Equal(0, json.RootElement.GetProperty("bad").GetInt32());
        Assert.All(json.RootElement.GetProperty("models").EnumerateArray(), m => Assert.Equal("OK", m.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task ContractDiff_ModelThatDroppedFeatures_ShowsThemAndSaysMismatch()
    {
        TrainedModels.CopyTo(Models);
        var (matchExit, match) = await Run("contract", "diff", "AAA_v1_latest");
        match.Dispose();
        ModelFiles.DropFeatures(Path.Combine(Models, "AAA_v1_latest", ModelStore.MetaFile), 2);

        var (exit, host) = await Run("contract", "diff", "AAA_v1_latest");
        using var _ = host;

        Assert.Equal(0, matchExit);
        Assert.Equal(1, exit);
        Assert.Contains("missing: beta_60, cross_rank_sector", host.Stdout);
        Assert.EndsWith("MISMATCH", host.Stdout.Trim());
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("AAA_v1_nope")]
    [InlineData("ZZZ_v1_latest")]
    public async Task ContractDiff_FolderThatIsNotAModelFolder_ExitsTwoWithOneLine(string folder)
    {
        Directory.CreateDirectory(Models);

        var (exit, host) = await Run("contract", "diff", folder);
        using var _ = host;

        Assert.Equal(2, exit);
        Assert.Single(host.Stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("train", "--symbols", "AAA,AAB,AAC", "--end", "2016-12-30", "--out", "/proc/alphahost-models")]
    [InlineData("features", "--symbol", "AAA", "--out", "/proc/alphahost-features.csv")]
    public async Task OutputPath_ThatCannotBeWritten_ExitsTwoWithOneLineNamingItAndNoStackTrace(params string[] args)
    {
        // /proc refuses new entries even to root, as a full or read-only disk would.
        var (exit, host) = await Run(args);
        using var _ = host;

        Assert.Equal(2, exit);
        var line = Assert.Single(host.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains("/proc/alphahost-", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", host.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("train", "--symbols", "AAA,../../etc/passwd")]
    [InlineData("audit", "--symbols", "..%2Fetc", "--out", "audit.json")]
    [InlineData("features", "--symbol", "../AAA")]
    [InlineData("features", "--symbol", "AAA/../../BBB")]
    [InlineData("train", "--symbols", "aaa_v1_latest")]
    public async Task SymbolArgument_ThatIsNotASymbol_IsRefusedBeforeTouchingAPath(params string[] args)
    {
        var (exit, host) = await Run(args);
        using var _ = host;

        Assert.Equal(2, exit);
        Assert.Single(host.Stderr.Trim().Split('\n'));
        Assert.Contains("not a valid symbol", host.Stderr);
        Assert.False(Directory.Exists(Models) && Directory.EnumerateFileSystemEntries(Models).Any(), "nothing was written");
    }

    [Fact]
    public async Task ContractShow_PrintsTheTwentyEightFeaturesInOrderWithTheHash()
    {
        var (exit, host) = await Run("contract", "show");
        using var _ = host;

        Assert.Equal(0, exit);
        Assert.Contains($"sha256 {TrainedModels.Contract.Hash}", host.Stdout);
        Assert.Equal(TrainedModels.Contract.Names, host.Stdout.Split('\n').Skip(2).Where(l => l.Length > 0).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]));
    }

    [Fact]
    public async Task Features_WritesDateAndEveryContractColumnForEachBar()
    {
        var (exit, host) = await Run("features", "--symbol", "AAA", "--out", "aaa.csv");
        using var _ = host;

        Assert.Equal(0, exit);
        var lines = File.ReadAllLines(Path.Combine(_dir.Path, "aaa.csv"));
        Assert.Equal(["date", .. TrainedModels.Contract.Names], lines[0].Split(','));
        Assert.Equal(1501, lines.Length);
        Assert.DoesNotContain("NaN", lines[^1]);
    }

    [Fact]
    public async Task Audit_SampleSymbols_WritesTheReportTheRunbookReadsAndPasses()
    {
        var (exit, host) = await Run("audit", "--symbols", "AAA,AAB,AAC", "--last", "20", "--out", "reports/audit.json");
        using var _ = host;

        Assert.Equal(0, exit);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "reports", "audit.json")));
        var root = report.RootElement;
        Assert.Equal((3, 3, 0, 1.0), (root.GetProperty("total_symbols").GetInt32(), root.GetProperty("passed").GetInt32(), root.GetProperty("failed").GetInt32(), root.GetProperty("pass_rate").GetDouble()));
        Assert.Empty(root.GetProperty("missing_features_by_symbol").EnumerateObject());
        Assert.Equal(20, root.GetProperty("symbols").GetProperty("AAA").GetProperty("rows_checked").GetInt32());
    }

    [SharedDataFact]
    public async Task Audit_RealDataOnADate_FailsAShortHistoryForThatReason()
    {
        var (exit, host) = await Run("audit", "--all", "--data", TestPaths.SharedData!, "--date", "2004-01-02", "--out", "audit.json");
        using var _ = host;

        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "audit.json")));
        var root = report.RootElement;
        var failed = root.GetProperty("failed").GetInt32();
        Assert.Equal(root.GetProperty("pass_rate").GetDouble() >= 0.95 ? 0 : 1, exit);
        Assert.Equal(root.GetProperty("total_symbols").GetInt32(), root.GetProperty("passed").GetInt32() + failed);
        var nrg = root.GetProperty("symbols").GetProperty("NRG");
        Assert.False(nrg.GetProperty("passed").GetBoolean());
        Assert.Equal("insufficient history: 22 bars, the features need 61", nrg.GetProperty("reason").GetString());
        Assert.Equal(28, root.GetProperty("missing_features_by_symbol").GetProperty("NRG").GetArrayLength());
        Assert.False(root.GetProperty("symbols").TryGetProperty("GOOGL", out var googl), "a symbol that had not listed yet is not part of the universe on that date");
    }

    [Theory]
    [InlineData("--symbols,AAA,--date,2016-01-04,--last,5", "error: give --date or --last, not both")]
    [InlineData("--symbols,NOPE", "error: unknown symbol(s) NOPE")]
    [InlineData("--all,--data,EMPTY", "error: ")]
    public async Task Audit_BadInput_ExitsTwoAndWritesNoReport(string args, string expected)
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "EMPTY"));

        var (exit, host) = await Run(["audit", "--out", "audit.json", .. args.Split(',')]);
        using var _ = host;

        Assert.Equal(2, exit);
        Assert.StartsWith(expected, host.Stderr);
        Assert.False(File.Exists(Path.Combine(_dir.Path, "audit.json")));
    }

    [Fact]
    public async Task MlDisableThenEnable_ChangesOnlyTheFlagAndRecordsWhoAndWhy()
    {
        var config = Config();
        var original = File.ReadAllText(config);

        var (disable, d) = await Run("ml", "enable", "--reason", "staging passed");
        d.Dispose();
        var enabled = File.ReadAllText(config);
        var (enable, e) = await Run("ml", "disable", "--reason", "incident 42");
        e.Dispose();

        Assert.Equal((0, 0), (disable, enable));
        Assert.Equal(original.Replace("ml_enabled: false  # EMERGENCY", "ml_enabled: true  # EMERGENCY"), enabled);
        Assert.Equal(original, File.ReadAllText(config));
        var log = HostProcess.ReadLog(Path.Combine(_dir.Path, "runtime", "logs", "operator.jsonl"));
        Assert.Equal(["ml enable", "ml disable"], log.Select(l => l.GetProperty("command").GetString()));
        Assert.Equal("incident 42", log[1].GetProperty("reason").GetString());
        Assert.Equal("features.ml_enabled: true -> false", log[1].GetProperty("details").GetProperty("change").GetString());
    }

    [Fact]
    public async Task MlDisable_AnotherPluginCannotInitialize_ChangesTheFlagWithoutStartingAnyFamily()
    {
        var plugins = Path.Combine(_dir.Path, "plugins");
        TempDir.CopyDirectory(Path.Combine(TestPaths.ShippedPlugins, "MlAlpha"), Path.Combine(plugins, "MlAlpha"));
        TempDir.CopyDirectory(Path.Combine(TestPaths.FixturePlugins, "FailingInit"), Path.Combine(plugins, "FailingInit"));
        File.WriteAllText(Path.Combine(_dir.Path, "golden.yaml"), TestConfigs.GoldenBesideRuntime()
            .Replace("plugins_dir: \"\"", $"plugins_dir: \"{plugins}\"")
            .Replace("\nfamilies:\n", "\nfamilies:\n  failing_init:\n    failure: throw\n"));

        var (exit, host) = await Run("ml", "disable", "--reason", "incident 42", "--no-wait");
        using var _ = host;

        // Reading the flag needs the model family's declaration only: the family that cannot initialize is never started.
        Assert.Contains("failure: throw", File.ReadAllText(Path.Combine(_dir.Path, "golden.yaml")));
        Assert.Equal(0, exit);
        Assert.Contains("features.ml_enabled is already false: ml_alpha already disabled; nothing changed", host.Stdout);
        Assert.DoesNotContain("failing_init", host.Stderr);
    }

    [Fact]
    public async Task OfflineCommand_FamilyThatCannotStart_SaysItFailedAndWhyWithoutPromisingARetry()
    {
        var plugins = Path.Combine(_dir.Path, "plugins");
        TempDir.CopyDirectory(Path.Combine(TestPaths.ShippedPlugins, "MlAlpha"), Path.Combine(plugins, "MlAlpha"));
        TempDir.CopyDirectory(Path.Combine(TestPaths.FixturePlugins, "FailingInit"), Path.Combine(plugins, "FailingInit"));
        File.WriteAllText(Path.Combine(_dir.Path, "golden.yaml"), TestConfigs.GoldenBesideRuntime()
            .Replace("plugins_dir: \"\"", $"plugins_dir: \"{plugins}\"")
            .Replace("\nfamilies:\n", "\nfamilies:\n  failing_init:\n    failure: throw\n"));

        // models history starts every family of the session; the one that cannot initialize fails once, for good.
        var (exit, host) = await Run("models", "history");
        using var _ = host;

        Assert.Equal(0, exit);
        var line = Assert.Single(host.Stderr.Split('\n'), l => l.Contains("failing_init"));
        Assert.Contains("Family failing_init of plugin FailingInit could not start: failed to initialize", line);
        Assert.Contains("not retried by an offline command", line);
        Assert.DoesNotContain("next try", host.Stderr);
    }

    [Fact]
    public async Task MlResetGovernance_ClearsAPersistedDisableWithTheReason()
    {
        var state = Path.Combine(_dir.Path, "runtime", "state", "ml_alpha", "governance.json");
        var breaker = new GovernanceBreaker(state, "ml_v1", TrainedModels.Contract.Hash, new GovernanceOptions(1, TimeSpan.FromMinutes(5)), TimeProvider.System);
        breaker.RecordFailure("FEATURE_MISMATCH");
        var (statusExit, status) = await Run("ml", "status");
        status.Dispose();

        var (exit, host) = await Run("ml", "reset-governance", "--reason", "retrained AAA");
        using var _ = host;

        Assert.Equal((0, 0), (statusExit, exit));
        Assert.Contains("governance: DISABLED_GOVERNANCE since", status.Stdout);
        var after = new GovernanceBreaker(state, "ml_v1", TrainedModels.Contract.Hash, GovernanceOptions.Default, TimeProvider.System).State;
        Assert.False(after.Disabled);
        Assert.Equal("retrained AAA", after.ResetReason);
    }

    [Fact]
    public async Task MlCommands_WithoutReason_ExitTwo()
    {
        var (exit, host) = await Run("ml", "disable");
        using var _ = host;

        Assert.Equal(2, exit);
        Assert.Contains("--reason", host.Stderr);
    }

    public void Dispose() => _dir.Dispose();

    private string Config()
    {
        var path = Path.Combine(_dir.Path, "golden.yaml");
        if (!File.Exists(path))
        {
            File.WriteAllText(path, TestConfigs.GoldenBesideRuntime());
        }

        return path;
    }

    private Task<(int, HostProcess)> Run(params string[] args) => HostProcess.RunAsync(_dir.Path, [.. args, "--config", Config()]);
}
