using System.Runtime.Loader;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Families;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Families.Lifecycle;

/// <summary>
/// The daemon's family lifecycle on real plugin folders: the watcher, the slots and the configurator of
/// <see cref="FamilySupervisor"/>, with its own starter, families in process (the worker path is covered by the process
/// tests); a fake clock makes each <see cref="LookAsync"/> one look of the watcher.
/// </summary>
public sealed class FamilySupervisorTests : IAsyncLifetime
{
    private const string TestConfig = "host:\n  family_isolation: in_process\nfamilies:\n  needs_dependency: {}\n  momentum: {}\n  reversal: {}\n  regime: {}\n"
        + "  yaml_old: {}\n  yaml_new: {}\n  swap: {}\n";

    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _clock = new();
    private readonly CapturingLogger<FamilySupervisor> _logger = new();
    private readonly FamilySupervisor _supervisor;

    public FamilySupervisorTests() => _supervisor = new FamilySupervisor(Serilog.Core.Logger.None, _clock, _logger);

    private string PluginsDir => _dir.File("plugins");

    [Fact]
    public async Task Refresh_ShippedPlugins_EachFamilyRunsInItsOwnLoadContext()
    {
        foreach (var name in new[] { "Momentum", "Reversal", "Regime" })
        {
            Install(Path.Combine(TestPaths.ShippedPlugins, name), name);
        }

        await LookAsync(Handles.Config(TestConfig));

        Assert.Equal(["momentum", "regime", "reversal"], Running().Select(s => s.Name).Order());
        var contexts = Running().Select(s => AssemblyLoadContext.GetLoadContext(FamilyOf(s).GetType().Assembly)).ToList();
        Assert.All(contexts, c => Assert.NotSame(AssemblyLoadContext.Default, c));
        Assert.Equal(3, contexts.Distinct().Count());
        Assert.Empty(_supervisor.Failures);
    }

    [Fact]
    public async Task Refresh_TwoPluginsWithDifferentMajorVersionsOfOnePackage_EachRunsItsOwn()
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "YamlOld"), "YamlOld");
        Install(Path.Combine(TestPaths.FixturePlugins, "YamlNew"), "YamlNew");

        await LookAsync(Handles.Config(TestConfig));

        Assert.Equal("YamlDotNet 11.0", Slot("yaml_old").LastHealth.Detail);
        Assert.Equal("YamlDotNet 18.0", Slot("yaml_new").LastHealth.Detail);
        var snapshot = SampleSnapshots.At(5, symbols: 3);
        Assert.All((await FamilyOf(Slot("yaml_old")).ComputeAsync(snapshot, default)).BySymbol.Values, v => Assert.Equal(0.25, v));
        Assert.All((await FamilyOf(Slot("yaml_new")).ComputeAsync(snapshot, default)).BySymbol.Values, v => Assert.Equal(0.25, v));
    }

    [Fact]
    public async Task Refresh_UnloadableFolders_AreSkippedWithReasonsAndTheRestRuns()
    {
        Install(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), "Momentum");
        _dir.Write("plugins/Garbage/Garbage.dll", "this is not an assembly");
        Directory.CreateDirectory(_dir.File("plugins/Empty"));
        Install(Path.Combine(TestPaths.FixturePlugins, "NeedsDependency"), "NoDependency");
        File.Delete(_dir.File("plugins/NoDependency/AlphaHost.TestPlugins.FixtureDependency.dll"));
        File.Copy(typeof(Abstractions.IAlphaFamily).Assembly.Location, _dir.File("plugins/Contract/Contract.dll").Also(CreateParent));

        await LookAsync(Handles.Config(TestConfig));

        Assert.Equal(["momentum"], Running().Select(s => s.Name));
        Assert.Contains("not a valid .NET assembly", Failure("Garbage"));
        Assert.Contains("no plugin assembly", Failure("Empty"));
        Assert.Contains("not an alpha family plugin", Failure("Contract"));
        // Its metadata reads; the missing dependency shows where its code first runs: its start, retried on a back-off.
        Assert.Contains("AlphaHost.TestPlugins.FixtureDependency", Slot("needs_dependency").StartFailure);
        Assert.True(Slot("needs_dependency").Quarantine.IsActive);
    }

    [Fact]
    public async Task Refresh_ReplacedPluginFiles_SwapTheFamilyOnceTheCopyIsStable()
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "SwapV1"), "Swap");
        await LookAsync(Handles.Config(TestConfig));
        var v1 = Slot("swap").Endpoint;

        Replace("Swap", Path.Combine(TestPaths.FixturePlugins, "SwapV2"));
        await LookAsync(Handles.Config(TestConfig));
        var duringCopy = Slot("swap").Endpoint;
        await LookAsync(Handles.Config(TestConfig));

        Assert.Same(v1, duringCopy);
        Assert.NotSame(v1, Slot("swap").Endpoint);
        Assert.Equal("value=0.2", Slot("swap").LastHealth.Detail);
        Assert.Contains(_logger.Snapshot(), e => e.Message.StartsWith("Family swap switched to its new plugin build"));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("deleted")]
    public async Task Refresh_PluginBrokenWhileRunning_KeepsTheLastGoodVersion(string damage)
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "SwapV1"), "Swap");
        await LookAsync(Handles.Config(TestConfig));
        var good = Slot("swap").Endpoint;

        PluginDamage.Apply(damage, _dir.File("plugins/Swap/AlphaHost.TestPlugins.SwapV1.dll"));
        await LookAsync(Handles.Config(TestConfig));
        await LookAsync(Handles.Config(TestConfig));

        Assert.Same(good, Slot("swap").Endpoint);
        Assert.False(Slot("swap").Quarantine.IsActive);
        var signals = await FamilyOf(Slot("swap")).ComputeAsync(SampleSnapshots.At(5, symbols: 3), default);
        Assert.All(signals.BySymbol.Values, v => Assert.Equal(0.1, v));
        if (damage != "deleted")
        {
            Assert.NotNull(Failure("Swap"));
        }
    }

    [Fact]
    public async Task Refresh_RequireTrusted_StartsOnlyPinnedBuilds()
    {
        Install(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), "Momentum");
        Install(Path.Combine(TestPaths.ShippedPlugins, "Reversal"), "Reversal");
        Install(Path.Combine(TestPaths.FixturePlugins, "SwapV1"), "Swap");
        var momentum = Sha256Of("plugins/Momentum/AlphaHost.Plugins.Momentum.dll");

        await LookAsync(Handles.Config(TestConfig + $"plugins:\n  require_trusted: true\n  trusted:\n    Momentum: {momentum}\n    Swap: {new string('0', 64)}\n"));

        Assert.Equal(["momentum"], Running().Select(s => s.Name));
        Assert.Contains("has no entry for Reversal", Failure("Reversal"));
        Assert.Contains("is not the one pinned in plugins.trusted.Swap", Failure("Swap"));
    }

    [Fact]
    public async Task Refresh_PinnedPluginReplacedByAnotherBuild_KeepsTheTrustedVersionRunning()
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "SwapV1"), "Swap");
        var config = Handles.Config(TestConfig + $"plugins:\n  trusted:\n    Swap: {Sha256Of("plugins/Swap/AlphaHost.TestPlugins.SwapV1.dll")}\n");
        await LookAsync(config);
        var trusted = Slot("swap").Endpoint;

        Replace("Swap", Path.Combine(TestPaths.FixturePlugins, "SwapV2"));
        await LookAsync(config);
        await LookAsync(config);

        Assert.Same(trusted, Slot("swap").Endpoint);
        Assert.Equal("value=0.1", Slot("swap").LastHealth.Detail);
        Assert.Contains("untrusted", Failure("Swap"));
    }

    [Fact]
    public async Task Refresh_TrustSettingsChangedWhileRunning_StopsTheUntrustedAndStartsTheNewlyTrusted()
    {
        Install(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), "Momentum");
        Install(Path.Combine(TestPaths.ShippedPlugins, "Reversal"), "Reversal");
        var momentum = Sha256Of("plugins/Momentum/AlphaHost.Plugins.Momentum.dll");
        var reversal = Sha256Of("plugins/Reversal/AlphaHost.Plugins.Reversal.dll");
        await LookAsync(Handles.Config(TestConfig + $"plugins:\n  require_trusted: true\n  trusted:\n    Momentum: {momentum}\n"));
        var before = Running().Select(s => s.Name).ToList();

        await LookAsync(Handles.Config(TestConfig + $"plugins:\n  require_trusted: true\n  trusted:\n    Reversal: {reversal}\n"));

        Assert.Equal(["momentum"], before);
        Assert.Equal(["reversal"], Running().Select(s => s.Name));
        Assert.Contains("has no entry for Momentum", Failure("Momentum"));
        Assert.Null(Failure("Reversal"));
    }

    [Fact]
    public async Task Refresh_BrokenReplacement_IsTriedOnceAndAgainOnlyWhenTheFilesChange()
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "SwapV1"), "Swap");
        await LookAsync(Handles.Config(TestConfig));
        var dll = _dir.File("plugins/Swap/AlphaHost.TestPlugins.SwapV1.dll");
        var good = File.ReadAllBytes(dll);

        File.WriteAllText(dll, "garbage");
        for (var i = 0; i < 5; i++)
        {
            await LookAsync(Handles.Config(TestConfig));
        }

        var failuresWhileBroken = _logger.Snapshot().Count(e => e.Message.Contains("reload failed"));
        File.WriteAllBytes(dll, good);
        File.SetLastWriteTimeUtc(dll, DateTime.UtcNow.AddSeconds(5));
        await LookAsync(Handles.Config(TestConfig));
        await LookAsync(Handles.Config(TestConfig));

        Assert.Equal(1, failuresWhileBroken);
        Assert.Contains(_logger.Snapshot(), e => e.Message.StartsWith("Plugin Swap reloaded"));
        Assert.Equal("value=0.1", Slot("swap").LastHealth.Detail);
    }

    [Fact]
    public async Task Refresh_SameFamilyNameInTwoFolders_RefusesTheSecond()
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "SwapV1"), "A");
        Install(Path.Combine(TestPaths.FixturePlugins, "SwapV2"), "B");

        await LookAsync(Handles.Config(TestConfig));

        Assert.Equal("value=0.1", Assert.Single(Running()).LastHealth.Detail);
        Assert.Contains("already exported", Failure("B"));
    }

    [Fact]
    public async Task Refresh_PluginBuiltForAnotherContractVersion_IsRefusedWithBothVersions()
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "FutureContract"), "FutureContract");

        await LookAsync(Handles.Config(TestConfig));

        Assert.Empty(_supervisor.Slots);
        Assert.Contains("built for plugin contract v2, this host speaks v1", Failure("FutureContract"));
    }

    [Theory]
    [InlineData("throw", "failed to initialize: InvalidOperationException: cannot open my model store")]
    [InlineData("hang", "did not initialize within 2000 ms")]
    public async Task Refresh_FamilyThatCannotInitialize_WaitsOutItsBackoffAndOthersRun(string mode, string reason)
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "FailingInit"), "FailingInit");
        Install(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), "Momentum");

        await LookAsync(Handles.Config($"host:\n  family_isolation: in_process\n  init_timeout: 2s\nfamilies:\n  momentum: {{}}\n  failing_init:\n    failure: {mode}\n"));

        Assert.Equal(["momentum"], Running().Select(s => s.Name));
        Assert.Equal(reason, Slot("failing_init").StartFailure);
        Assert.True(Slot("failing_init").Quarantine.IsActive);
    }

    [Fact]
    public async Task ApplyConfigAsync_FamilyRefusesItsSection_ReturnsTheKeyAndKeepsEveryFamilyOnItsOldSettings()
    {
        Install(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), "Momentum");
        Install(Path.Combine(TestPaths.ShippedPlugins, "Reversal"), "Reversal");
        await LookAsync(Handles.Config(TestConfig));
        var before = _supervisor.Slots.ToDictionary(s => s.Name, s => s.AppliedConfig);

        var refusal = await _supervisor.ApplyConfigAsync(Handles.Config(
            "host:\n  family_isolation: in_process\nfamilies:\n  momentum:\n    lookback_days: 100\n  reversal:\n    lookback_days: -1\n"));

        Assert.Contains("families.reversal.lookback_days", refusal);
        Assert.All(_supervisor.Slots, s => Assert.Same(before[s.Name], s.AppliedConfig));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _supervisor.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>One look of the watcher (the fake clock moves past its interval), then every start it caused is taken.</summary>
    private async Task LookAsync(AlphaHostConfig config)
    {
        _clock.Advance(TimeSpan.FromSeconds(2));
        _supervisor.Refresh(PluginsDir, _dir.File("state"), config);
        for (var round = 1; _supervisor.Slots.Any(s => s.Starting is not null); round++)
        {
            Assert.True(round < 3000, "a start did not end");
            await Task.Delay(20);
            if (_supervisor.Slots.Any(s => s.Starting is { IsCompleted: true }))
            {
                _supervisor.Refresh(PluginsDir, _dir.File("state"), config);
            }
            else if (round % 25 == 0)
            {
                // A start that hangs ends when its init budget, on the fake clock, runs out.
                _clock.Advance(TimeSpan.FromSeconds(1));
            }
        }
    }

    private List<FamilySlot> Running() => [.. _supervisor.Slots.Where(s => s.Endpoint is not null)];

    private FamilySlot Slot(string name) => _supervisor.Slots.Single(s => s.Name == name);

    private static Abstractions.IAlphaFamily FamilyOf(FamilySlot slot) => ((InProcessEndpoint)slot.Endpoint!).Family;

    private string Sha256Of(string relative) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_dir.File(relative)))).ToLowerInvariant();

    private string? Failure(string folder) => _supervisor.Failures.GetValueOrDefault(Path.Combine(PluginsDir, folder));

    private void Install(string source, string name) => TempDir.CopyDirectory(source, Path.Combine(PluginsDir, name));

    private void Replace(string name, string source)
    {
        var target = Path.Combine(PluginsDir, name);
        Directory.Delete(target, recursive: true);
        TempDir.CopyDirectory(source, target);
    }

    private static void CreateParent(string path) => Directory.CreateDirectory(Path.GetDirectoryName(path)!);
}
