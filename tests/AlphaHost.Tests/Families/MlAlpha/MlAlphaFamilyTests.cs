using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha;
using AlphaHost.Plugins.MlAlpha.Governance;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Families.MlAlpha;

public sealed class MlAlphaFamilyTests : AlphaFamilyContractTests, IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 23, 19, 0, 0, TimeSpan.Zero));
    private readonly CapturingLogger _log = new();

    protected override IAlphaFamily CreateFamily() => new MlAlphaFamily();

    protected override IReadOnlyDictionary<string, string> BaseSettings { get; } = new Dictionary<string, string> { ["models_dir"] = TrainedModels.Folder, ["training.scope"] = "symbol" };

    protected override Task PrepareAsync(IAlphaFamily family)
    {
        ((MlAlphaFamily)family).LoadModels();
        return Task.CompletedTask;
    }

    protected override (string Key, string Value) InvalidSetting => ("governance.max_failures", "0");

    private string Models => _dir.File("models");

    private string State => _dir.File("state");

    [Fact]
    public async Task ComputeAsync_TrainedModels_SignalsExactlyTheModelledSymbolsByTheRecordedRule()
    {
        TrainedModels.CopyTo(Models);
        var family = await StartAsync();
        var snapshot = new SampleReplay(400).Next();

        var signals = (await family.ComputeAsync(snapshot, CancellationToken.None)).BySymbol;

        var modelled = TrainedModels.Summary.Trained.Select(t => t.Symbol).Where(s => snapshot.Symbols.Any(h => h.Symbol == s)).ToHashSet();
        Assert.Equal(modelled.Order(), signals.Keys.Order());
        var model = ModelLoader.Load("AAA", new ModelStore(Models, "v1", TimeProvider.System).ResolveLatest("AAA", Path.Combine(Models, "AAA_v1_latest")), TrainedModels.Contract, false, 1);
        var row = new AlphaHost.Plugins.MlAlpha.Features.LiveFeatures(TrainedModels.Contract).Update(snapshot)["AAA"];
        Assert.Equal(Math.Tanh(model.Model.Predict(row.Values) / model.Meta!.Signal.Scale), signals["AAA"], 12);
        Assert.Equal(FamilyState.Ok, family.Health.State);
    }

    [Fact]
    public async Task ComputeAsync_FirstCycleBeforeTheModelsLoad_LeavesTheFeatureHistoryBuildToTheBackground()
    {
        // Building every symbol's features from the whole history took ~2 s in a daemon's first cycle on ../shared/data
        // (budget 500 ms): the cycle only hands it over, while the models load.
        TrainedModels.CopyTo(Models);
        var background = new HeldTasks();
        var family = await StartAsync(load: false, background: background);

        var first = await family.ComputeAsync(new SampleReplay(400).Next(), CancellationToken.None);

        Assert.Empty(first.BySymbol);
        Assert.Equal(1, background.Waiting);
        Assert.Contains("loading models", family.Health.Detail);
    }

    [Fact]
    public async Task ComputeAsync_AfterTheBackgroundHistoryBuild_SignalsExactlyAsFromFeaturesBuiltInTheCycle()
    {
        TrainedModels.CopyTo(Models);
        var background = new HeldTasks();
        var family = await StartAsync(load: false, background: background);
        var replay = new SampleReplay(400);
        await family.ComputeAsync(replay.Next(), CancellationToken.None);
        var whileBuilding = await family.ComputeAsync(replay.Next(), CancellationToken.None);
        family.LoadModels();
        var loadedWhileBuilding = await family.ComputeAsync(replay.Next(), CancellationToken.None);
        background.RunAll();
        var snapshot = replay.Next();

        var signals = (await family.ComputeAsync(snapshot, CancellationToken.None)).BySymbol;

        Assert.Empty(whileBuilding.BySymbol);
        Assert.Empty(loadedWhileBuilding.BySymbol);
        Assert.Equal((1, 0), (background.Ran, background.Waiting));
        var model = ModelLoader.Load("AAA", new ModelStore(Models, "v1", TimeProvider.System).ResolveLatest("AAA", Path.Combine(Models, "AAA_v1_latest")), TrainedModels.Contract, false, 1);
        var row = new AlphaHost.Plugins.MlAlpha.Features.LiveFeatures(TrainedModels.Contract).Update(snapshot)["AAA"];
        Assert.Equal(Math.Tanh(model.Model.Predict(row.Values) / model.Meta!.Signal.Scale), signals["AAA"], 12);
        Assert.Equal(FamilyState.Ok, family.Health.State);
    }

    [Fact]
    public async Task Health_AfterEnoughPredictedRows_CarriesEveryFeaturesDriftPsiInContractOrder()
    {
        TrainedModels.CopyTo(Models);
        var family = await StartAsync();
        var replay = new SampleReplay(400);

        for (var day = 0; day < 600 && family.Health.FeatureDrift is null; day++)
        {
            await family.ComputeAsync(replay.Next(), CancellationToken.None);
        }

        var drift = family.Health.FeatureDrift;
        Assert.NotNull(drift);
        Assert.Equal(TrainedModels.Contract.Names, drift.Select(d => d.Key));
        Assert.All(drift, d => Assert.True(double.IsFinite(d.Value) && d.Value >= 0, $"{d.Key}: {d.Value}"));
    }

    [Theory]
    [InlineData(null, FamilyState.Degraded)]
    [InlineData("false", FamilyState.Ok)]
    public async Task Health_PerSymbolModelsRawPsiAboveTheThreshold_IsDegradedUnlessPsiDegradesIsOff(string? psiDegrades, FamilyState expected)
    {
        // Per-symbol models see the raw features, so their PSI still sets DEGRADED by default (drift.psi_degrades).
        TrainedModels.CopyTo(Models);
        var settings = new Dictionary<string, string> { ["drift.psi_threshold"] = "0", ["drift.window_cycles"] = "250" };
        if (psiDegrades is not null)
        {
            settings["drift.psi_degrades"] = psiDegrades;
        }

        var family = await StartAsync(settings: settings);
        var replay = new SampleReplay(400);
        for (var day = 0; day < 600 && family.Health.FeatureDrift is null; day++)
        {
            await family.ComputeAsync(replay.Next(), CancellationToken.None);
        }

        Assert.NotNull(family.Health.FeatureDrift);
        Assert.True(family.Health.State == expected, family.Health.Detail);
        Assert.Equal(expected == FamilyState.Degraded, family.Health.Detail!.Contains("psi=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Initialize_WithoutBeingCalled_LoadsNoModelAndTouchesNothing()
    {
        TrainedModels.CopyTo(Models);
        Corrupt(Path.Combine(Models, "AAB_v1_latest", ModelStore.ModelFile));

        var family = await StartAsync(load: false);

        Assert.Empty(_log.Snapshot());
        Assert.Contains("no model loaded", family.Health.Detail);
        Assert.False(Directory.Exists(State) && Directory.EnumerateFileSystemEntries(State).Any(), "a family that was never called wrote state");
    }

    [Fact]
    public async Task Health_BeforeItsFirstCycle_IsDegradedSayingNoModelIsLoaded_NotOk()
    {
        TrainedModels.CopyTo(Models);

        var family = await StartAsync(load: false);

        // Nothing is served until the first cycle loads the models: the heartbeat must not call that OK.
        Assert.Equal((FamilyState.Degraded, 0), (family.Health.State, family.Health.ServingModels));
        Assert.Contains("no model loaded", family.Health.Detail);
    }

    [Fact]
    public async Task ComputeAsync_ModelMetadataDropsFeatures_ThirdMismatchInFiveMinutesDisablesByGovernance()
    {
        TrainedModels.CopyTo(Models);
        DropFeatures("AAA", 4);
        var family = await StartAsync();
        var replay = new SampleReplay(400);

        var first = await family.ComputeAsync(replay.Next(), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(60));
        await family.ComputeAsync(replay.Next(), CancellationToken.None);
        Assert.Equal(FamilyState.Degraded, family.Health.State);
        _clock.Advance(TimeSpan.FromSeconds(60));
        var third = await family.ComputeAsync(replay.Next(), CancellationToken.None);
        var later = await family.ComputeAsync(replay.Next(), CancellationToken.None);

        Assert.DoesNotContain("AAA", first.BySymbol.Keys);
        Assert.NotEmpty(first.BySymbol);
        Assert.Empty(third.BySymbol);
        Assert.Empty(later.BySymbol);
        Assert.Equal(FamilyState.DisabledGovernance, family.Health.State);
        Assert.Equal(3, family.Health.ErrorCount);

        var events = _log.Snapshot().Where(e => e.Properties.GetValueOrDefault("component") as string == GovernanceLog.Component).ToList();
        var mismatches = events.Where(e => e.Properties.GetValueOrDefault("reason") as string == "FEATURE_MISMATCH" && e.Properties.GetValueOrDefault("status") as string == "FEATURE_MISMATCH").ToList();
        Assert.Equal(3, mismatches.Count);
        Assert.All(mismatches, e =>
        {
            Assert.Equal(LogLevel.Error, e.Level);
            Assert.Equal("AAA", e.Properties["symbol"]);
            Assert.Equal(24, e.Properties["expected_count"]);
            Assert.Equal(28, e.Properties["provided_count"]);
            Assert.Equal("ml_v1", e.Properties["model"]);
            var details = Assert.IsType<Dictionary<string, object>>(e.Properties["details"]);
            Assert.Equal(24, details["expected"]);
            Assert.Equal(28, details["got"]);
        });
        var disabled = Assert.Single(events, e => e.Properties.GetValueOrDefault("status") as string == GovernanceLog.DisabledByGovernance);
        Assert.Equal(LogLevel.Critical, disabled.Level);
        Assert.Equal("FEATURE_MISMATCH", disabled.Properties["reason"]);
    }

    [Fact]
    public async Task ComputeAsync_MismatchesFurtherApartThanTheWindow_DoNotDisable()
    {
        TrainedModels.CopyTo(Models);
        DropFeatures("AAA", 1);
        var family = await StartAsync();
        var replay = new SampleReplay(400);

        for (var i = 0; i < 5; i++)
        {
            await family.ComputeAsync(replay.Next(), CancellationToken.None);
            _clock.Advance(TimeSpan.FromMinutes(3));
        }

        Assert.Equal(FamilyState.Degraded, family.Health.State);
        Assert.Equal(5, family.Health.ErrorCount);
        Assert.Contains("feature mismatch", family.Health.Detail);
    }

    [Fact]
    public async Task Restart_AfterGovernanceDisabled_StaysDisabledUntilAnOperatorResets()
    {
        TrainedModels.CopyTo(Models);
        var original = File.ReadAllText(Path.Combine(Models, "AAA_v1_latest", ModelStore.MetaFile));
        DropFeatures("AAA", 2);
        var replay = new SampleReplay(400);
        var family = await StartAsync(settings: new() { ["governance.max_failures"] = "1" });
        await family.ComputeAsync(replay.Next(), CancellationToken.None);
        Assert.Equal(FamilyState.DisabledGovernance, family.Health.State);
        await family.DisposeAsync();
        File.WriteAllText(Path.Combine(Models, "AAA_v1_latest", ModelStore.MetaFile), original);

        var restarted = await StartAsync();
        var whileDisabled = await restarted.ComputeAsync(replay.Next(), CancellationToken.None);
        Assert.Equal(FamilyState.DisabledGovernance, restarted.Health.State);
        Assert.Empty(whileDisabled.BySymbol);
        Assert.Contains(_log.Snapshot(), e => e.Message.StartsWith("DISABLED_BY_GOVERNANCE: model ml_v1 is disabled since", StringComparison.Ordinal));

        new GovernanceBreaker(Path.Combine(State, "governance.json"), "ml_v1", TrainedModels.Contract.Hash, GovernanceOptions.Default, _clock).Reset("retrained AAA, metadata validated");
        var afterReset = await restarted.ComputeAsync(replay.Next(), CancellationToken.None);

        Assert.Contains("AAA", afterReset.BySymbol.Keys);
        Assert.Equal(FamilyState.Ok, restarted.Health.State);
        Assert.Contains(_log.Snapshot(), e => e.Message.StartsWith("GOVERNANCE_RESET", StringComparison.Ordinal) && e.Message.Contains("retrained AAA", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Health_ResetByAnotherProcessWhileNoCycleRuns_ShowsAtOnceAndIsLoggedOnce()
    {
        TrainedModels.CopyTo(Models);
        DropFeatures("AAA", 2);
        var replay = new SampleReplay(400);
        var family = await StartAsync(settings: new() { ["governance.max_failures"] = "1" });
        await family.ComputeAsync(replay.Next(), CancellationToken.None);
        Assert.Equal(FamilyState.DisabledGovernance, family.Health.State);

        // What `alphahost ml reset-governance` does from its own process while the daemon waits for the next trading day.
        new GovernanceBreaker(Path.Combine(State, "governance.json"), "ml_v1", TrainedModels.Contract.Hash, GovernanceOptions.Default, _clock).Reset("metadata fixed");
        var health = family.Health;
        await family.ComputeAsync(replay.Next(), CancellationToken.None);

        Assert.NotEqual(FamilyState.DisabledGovernance, health.State);
        Assert.Contains("governance reset", health.Detail);
        Assert.Single(_log.Snapshot(), e => e.Message.StartsWith("GOVERNANCE_RESET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LoadModels_TamperedModelFile_RefusedOthersServe()
    {
        TrainedModels.CopyTo(Models);
        Corrupt(Path.Combine(Models, "AAB_v1_latest", ModelStore.ModelFile));
        var family = await StartAsync();

        var signals = await family.ComputeAsync(new SampleReplay(400).Next(), CancellationToken.None);

        Assert.DoesNotContain("AAB", signals.BySymbol.Keys);
        Assert.Contains("AAA", signals.BySymbol.Keys);
        Assert.Equal(FamilyState.Degraded, family.Health.State);
        Assert.Contains("refused (AAB)", family.Health.Detail);
        Assert.Equal(1, family.Health.ErrorCount);
        Assert.Contains(_log.Snapshot(), e => e.Level == LogLevel.Error && e.Message.Contains("HASH MISMATCH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LoadModels_LatestChainThroughAHopOutsideTheModelsFolder_RefusedByNameOthersServe()
    {
        TrainedModels.CopyTo(Models);
        LeadOutside("AAB", _dir.File("elsewhere"));
        var family = await StartAsync();

        var signals = await family.ComputeAsync(new SampleReplay(400).Next(), CancellationToken.None);

        Assert.DoesNotContain("AAB", signals.BySymbol.Keys);
        Assert.Contains("AAA", signals.BySymbol.Keys);
        Assert.Contains("refused (AAB)", family.Health.Detail);
        Assert.Contains(_log.Snapshot(), e => e.Level == LogLevel.Error && e.Message.Contains("LINK OUTSIDE MODELS", StringComparison.Ordinal) && e.Message.Contains("AAB_v1_hop ->", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LoadModels_SignalScaleEditedInTheMetadata_RefusedAsMetaHashMismatch()
    {
        TrainedModels.CopyTo(Models);
        var metaPath = Path.Combine(Models, "AAB_v1_latest", ModelStore.MetaFile);
        var meta = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(metaPath))!;
        meta["signal"]!["scale"] = 1e-300;
        File.WriteAllText(metaPath, meta.ToJsonString());
        var family = await StartAsync();

        var signals = await family.ComputeAsync(new SampleReplay(400).Next(), CancellationToken.None);

        Assert.DoesNotContain("AAB", signals.BySymbol.Keys);
        Assert.Contains(_log.Snapshot(), e => e.Level == LogLevel.Error && e.Message.Contains("META HASH MISMATCH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_LinksLeavingTheModelsFolderAndEditedMetadata_EachReportedByNameAndStatus()
    {
        TrainedModels.CopyTo(Models);
        LeadOutside("AAB", _dir.File("elsewhere"));
        File.Delete(Path.Combine(Models, "AAC_v1_latest"));
        Directory.CreateSymbolicLink(Path.Combine(Models, "AAC_v1_hop"), "/etc");
        Directory.CreateSymbolicLink(Path.Combine(Models, "AAC_v1_latest"), "AAC_v1_hop");
        var edited = Path.Combine(Models, "AAD_v1_latest", ModelStore.MetaFile);
        File.WriteAllText(edited, File.ReadAllText(edited).Replace("\"float32\"", "\"float64\"", StringComparison.Ordinal));
        var family = await StartAsync(load: false);

        var checks = family.Validate(null).ToDictionary(c => c.Folder);

        Assert.Equal(ModelLoadException.LinkOutside, checks["AAB_v1_latest"].Status);
        Assert.StartsWith("AAB_v1_hop -> ", checks["AAB_v1_latest"].Detail);
        Assert.Equal(ModelLoadException.LinkOutside, checks["AAC_v1_latest"].Status);
        Assert.StartsWith("AAC_v1_hop -> /etc", checks["AAC_v1_latest"].Detail);
        Assert.Equal(ModelLoadException.MetaHashMismatch, checks[Path.GetFileName(new ModelStore(Models, "v1", TimeProvider.System).ResolveLatest("AAD", Path.Combine(Models, "AAD_v1_latest")))].Status);
        Assert.Equal(ModelCheck.Ok, checks[Path.GetFileName(new ModelStore(Models, "v1", TimeProvider.System).ResolveLatest("AAA", Path.Combine(Models, "AAA_v1_latest")))].Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LoadModels_ModelWithoutMetadata_ServesOnlyInLegacyModeWhenAllowed(bool allowLegacy)
    {
        TrainedModels.CopyTo(Models);
        File.Delete(Path.Combine(Models, "AAC_v1_latest", ModelStore.MetaFile));
        var family = await StartAsync(settings: new() { ["allow_legacy_models"] = allowLegacy ? "true" : "false" });

        var signals = await family.ComputeAsync(new SampleReplay(400).Next(), CancellationToken.None);

        Assert.Equal(allowLegacy, signals.BySymbol.ContainsKey("AAC"));
        Assert.Equal(FamilyState.Degraded, family.Health.State);
        Assert.Contains(allowLegacy ? "legacy" : "refused (AAC)", family.Health.Detail);
    }

    [Fact]
    public async Task ComputeAsync_LatestMovedToAnotherFolder_LogsTheSwapAndRewritesTheServingSet()
    {
        TrainedModels.CopyTo(Models);
        var family = await StartAsync(load: false, settings: new() { ["model_refresh"] = "1s" });
        var replay = new SampleReplay(400);
        var serving = Path.Combine(State, "serving.json");
        var store = new ModelStore(Models, "v1", TimeProvider.System);
        var old = Path.GetFileName(store.ResolveLatest("AAA", Path.Combine(Models, "AAA_v1_latest")));
        const string moved = "AAA_v1_20990101_000000";

        await family.ComputeAsync(replay.Next(), CancellationToken.None);
        await Poll.UntilAsync(() => ServingFolder(serving, "AAA") == old);
        var loaded = _log.Snapshot().Count(e => e.Message.StartsWith("Model ", StringComparison.Ordinal) && e.Message.Contains(" loaded: ", StringComparison.Ordinal));
        TempDir.CopyDirectory(Path.Combine(Models, old), Path.Combine(Models, moved));
        using (store.Journal.Lock())
        {
            store.SwitchLatest("AAA", moved, "promote", null);
        }

        _clock.Advance(TimeSpan.FromSeconds(2));
        await family.ComputeAsync(replay.Next(), CancellationToken.None);
        await Poll.UntilAsync(() => ServingFolder(serving, "AAA") == moved);
        await family.ComputeAsync(replay.Next(), CancellationToken.None);

        var trained = TrainedModels.Summary.Trained.Count;
        Assert.Equal(trained, loaded);
        var swap = Assert.Single(_log.Snapshot(), e => e.Message.StartsWith("Model AAA swapped", StringComparison.Ordinal));
        var sha = ModelLoader.Sha256(Path.Combine(Models, moved, ModelStore.ModelFile));
        Assert.Equal($"Model AAA swapped: {old} -> {moved} (sha256 {sha} -> {sha}, trained {swap.Properties["TrainedAt"]})", swap.Message);
        using var document = JsonDocument.Parse(File.ReadAllText(serving));
        Assert.Equal(trained, document.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(sha, document.RootElement.GetProperty("models").GetProperty("AAA").GetProperty("model_sha256").GetString());
        Assert.Equal((FamilyState.Ok, trained), (family.Health.State, family.Health.ServingModels));
    }

    [Fact]
    public async Task ComputeAsync_NoModelInTheFolder_IsDegradedSayingSo()
    {
        Directory.CreateDirectory(Models);
        var family = await StartAsync();

        await family.ComputeAsync(new SampleReplay(400).Next(), CancellationToken.None);

        Assert.Equal((FamilyState.Degraded, 0), (family.Health.State, family.Health.ServingModels));
        Assert.Contains($"no model serves: none loaded from {Models}", family.Health.Detail);
    }

    [Fact]
    public async Task LoadModels_OfflineLoad_LeavesTheServingSetToTheDaemon()
    {
        TrainedModels.CopyTo(Models);

        await StartAsync();

        Assert.False(File.Exists(Path.Combine(State, "serving.json")));
        Assert.DoesNotContain(_log.Snapshot(), e => e.Message.StartsWith("Model AAA loaded", StringComparison.Ordinal));
    }

    public void Dispose() => _dir.Dispose();

    private static string? ServingFolder(string path, string symbol)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.GetProperty("models").TryGetProperty(symbol, out var entry) ? entry.GetProperty("folder").GetString() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    [Fact]
    public async Task Compute_OneSymbolFromItsInputsOnly_GivesTheRowsOfTheWholeUniverse()
    {
        await using var family = await StartAsync(load: false);
        var snapshot = SampleSnapshots.At(150, symbols: 40);
        var whole = new MarketHistory(snapshot.Symbols, snapshot.Benchmark, "sample");
        var wanted = snapshot.Symbols[5];

        var inputs = family.Inputs(snapshot.Symbols.Select(s => s.Info).ToArray(), [wanted.Symbol]);
        var fromInputs = family.Compute(new MarketHistory(snapshot.Symbols.Where(s => inputs.Contains(s.Symbol)).ToArray(), snapshot.Benchmark, "sample"), [wanted.Symbol]);
        var fromWhole = family.Compute(whole, [wanted.Symbol]);

        Assert.Equal(snapshot.Symbols.Where(s => s.Info.Sector == wanted.Info.Sector).Select(s => s.Symbol).Order(), inputs.Order());
        Assert.True(inputs.Count < snapshot.Symbols.Count);
        var expected = fromWhole[wanted.Symbol].Rows;
        var actual = fromInputs[wanted.Symbol].Rows;
        Assert.Equal(expected.Count, actual.Count);
        for (var r = 0; r < expected.Count; r++)
        {
            Assert.Equal(expected[r], actual[r]);
        }
    }

    [Fact]
    public async Task Train_OneSymbolFromItsTrainingInputsOnly_WritesTheModelTheWholeUniverseGives()
    {
        // What `train --symbols` relies on when it reads only the family's training inputs.
        await using var family = await StartAsync(load: false, new() { ["training.trees"] = "20" });
        var history = TrainedModels.History();
        var wanted = history.Symbols[5].Symbol;
        var inputs = family.TrainingInputs(history.Symbols.Select(s => s.Info).ToArray(), [wanted]);
        var fewer = history with { Symbols = history.Symbols.Where(s => inputs.Contains(s.Symbol)).ToArray() };

        var fromWhole = await family.TrainAsync(new TrainingRequest(history, [wanted], _dir.File("whole")), null, CancellationToken.None);
        var fromInputs = await family.TrainAsync(new TrainingRequest(fewer, [wanted], _dir.File("inputs")), null, CancellationToken.None);

        Assert.True(inputs.Count > 1 && inputs.Count < history.Symbols.Count, $"{inputs.Count} inputs");
        var whole = Assert.Single(fromWhole.Trained).Location;
        var fewerModel = Assert.Single(fromInputs.Trained).Location;
        Assert.Equal(ModelFiles.Content(whole), ModelFiles.Content(fewerModel));
    }

    [Fact]
    public async Task Train_IntoAnOutputFolder_SwitchIsStampedByTheFamilysClock()
    {
        // A candidate trained into a folder of its own (train --output): its switch journal reads the host's clock too.
        await using var family = await StartAsync(load: false, new() { ["training.trees"] = "20" });
        var history = TrainedModels.History();

        await family.TrainAsync(new TrainingRequest(history, [history.Symbols[0].Symbol], _dir.File("candidate")), null, CancellationToken.None);

        Assert.Equal(_clock.GetUtcNow(), Assert.Single(new ModelStore(_dir.File("candidate"), "v1", TimeProvider.System).Journal.Read()).At);
    }

    private async Task<MlAlphaFamily> StartAsync(bool load = true, Dictionary<string, string>? settings = null, TaskScheduler? background = null)
    {
        var values = new Dictionary<string, string> { ["models_dir"] = Models, ["training.scope"] = "symbol" };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var family = new MlAlphaFamily(background ?? TaskScheduler.Default);
        await family.InitializeAsync(new FamilyContext("ml_alpha", new FamilySettings("families.ml_alpha", values), _log, _clock, AppContext.BaseDirectory, State), CancellationToken.None);
        if (load)
        {
            family.LoadModels();
        }

        return family;
    }

    /// <summary>Moves <paramref name="symbol"/>'s model out of the models folder and chains its _latest to it through a hop.</summary>
    private void LeadOutside(string symbol, string outside)
    {
        var latest = Path.Combine(Models, $"{symbol}_v1_latest");
        var folder = new ModelStore(Models, "v1", TimeProvider.System).ResolveLatest(symbol, latest);
        var moved = Path.Combine(outside, Path.GetFileName(folder));
        Directory.CreateDirectory(outside);
        Directory.Move(folder, moved);
        File.Delete(latest);
        Directory.CreateSymbolicLink(Path.Combine(Models, $"{symbol}_v1_hop"), moved);
        Directory.CreateSymbolicLink(latest, $"{symbol}_v1_hop");
    }

    private void DropFeatures(string symbol, int count) => ModelFiles.DropFeatures(Path.Combine(Models, $"{symbol}_v1_latest", ModelStore.MetaFile), count);

    private static void Corrupt(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }
}
