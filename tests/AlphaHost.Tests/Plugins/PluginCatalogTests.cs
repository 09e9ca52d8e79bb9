using System.Runtime.Loader;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Plugins;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlphaHost.Tests.Plugins;

public sealed class PluginCatalogTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly PluginCatalog _catalog = new(NullLoggerFactory.Instance, TimeProvider.System, NullLogger<PluginCatalog>.Instance);

    private string PluginsDir => _dir.File("plugins");

    private string StateDir => _dir.File("state");

    [Fact]
    public async Task RefreshAsync_ShippedPlugins_EachFamilyInItsOwnLoadContext()
    {
        foreach (var name in new[] { "Momentum", "Reversal", "Regime" })
        {
            Install(Path.Combine(TestPaths.ShippedPlugins, name), name);
        }

        await RefreshAsync(Handles.Config(TestConfig));

        Assert.Equal(["momentum", "regime", "reversal"], _catalog.Families.Select(f => f.Name).Order());
        var contexts = _catalog.Families.Select(f => AssemblyLoadContext.GetLoadContext(f.Family.GetType().Assembly)).ToList();
        Assert.All(contexts, c => Assert.NotSame(AssemblyLoadContext.Default, c));
        Assert.Equal(3, contexts.Distinct().Count());
        Assert.Empty(_catalog.Failures);
    }

    [Fact]
    public async Task RefreshAsync_TwoPluginsWithDifferentMajorVersionsOfOnePackage_EachRunsItsOwn()
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "YamlOld"), "YamlOld");
        Install(Path.Combine(TestPaths.FixturePlugins, "YamlNew"), "YamlNew");

        await RefreshAsync(Handles.Config(TestConfig));

        var old = _catalog.Families.Single(f => f.Name == "yaml_old");
        var current = _catalog.Families.Single(f => f.Name == "yaml_new");
        Assert.Equal("YamlDotNet 11.0", old.ReadHealth().Detail);
        Assert.Equal("YamlDotNet 18.0", current.ReadHealth().Detail);
        var snapshot = SampleSnapshots.At(5, symbols: 3);
        Assert.All((await old.Family.ComputeAsync(snapshot, default)).BySymbol.Values, v => Assert.Equal(0.25, v));
        Assert.All((await current.Family.ComputeAsync(snapshot, default)).BySymbol.Values, v => Assert.Equal(0.25, v));
    }

    [Fact]
    public async Task RefreshAsync_UnloadableFolders_AreSkippedWithReasonsAndTheRestLoads()
    {
        Install(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), "Momentum");
        _dir.Write("plugins/Garbage/Garbage.dll", "this is not an assembly");
        Directory.CreateDirectory(_dir.File("plugins/Empty"));
        Install(Path.Combine(TestPaths.FixturePlugins, "NeedsDependency"), "NoDependency");
        File.Delete(_dir.File("plugins/NoDependency/AlphaHost.TestPlugins.FixtureDependency.dll"));
        File.Copy(typeof(Abstractions.IAlphaFamily).Assembly.Location, _dir.File("plugins/Contract/Contract.dll").Also(CreateParent));

        await RefreshAsync(Handles.Config(TestConfig));

        Assert.Equal(["momentum"], _catalog.Families.Select(f => f.Name));
        Assert.Contains("not a valid .NET assembly", Failure("Garbage"));
        Assert.Contains("no plugin assembly", Failure("Empty"));
        Assert.Contains("AlphaHost.TestPlugins.FixtureDependency", Failure("NoDependency"));
        Assert.Contains("not an alpha family plugin", Failure("Contract"));
    }

    [Fact]
    public async Task RefreshAsync_ReplacedPluginFiles_SwapTheFamilyOnceTheCopyIsStable()
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "SwapV1"), "Swap");
        await RefreshAsync(Handles.Config(TestConfig));
        var v1 = _catalog.Families.Single();

        Replace("Swap", Path.Combine(TestPaths.FixturePlugins, "SwapV2"));
        await RefreshAsync(Handles.Config(TestConfig));
        var duringCopy = _catalog.Families.Single();
        await RefreshAsync(Handles.Config(TestConfig));
        var v2 = _catalog.Families.Single();

        Assert.Equal("value=0.1", v1.ReadHealth().Detail);
        Assert.Same(v1, duringCopy);
        Assert.Equal("value=0.2", v2.ReadHealth().Detail);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("deleted")]
    public async Task RefreshAsync_PluginBrokenWhileRunning_KeepsTheLastGoodVersion(string damage)
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "SwapV1"), "Swap");
        await RefreshAsync(Handles.Config(TestConfig));
        var good = _catalog.Families.Single();
        var dll = _dir.File("plugins/Swap/AlphaHost.TestPlugins.SwapV1.dll");

        PluginDamage.Apply(damage, dll);

        await RefreshAsync(Handles.Config(TestConfig));
        await RefreshAsync(Handles.Config(TestConfig));

        Assert.Same(good, _catalog.Families.Single());
        var signals = await good.Family.ComputeAsync(SampleSnapshots.At(5, symbols: 3), default);
        Assert.All(signals.BySymbol.Values, v => Assert.Equal(0.1, v));
        if (damage != "deleted")
        {
            Assert.NotNull(Failure("Swap"));
        }
    }

    [Fact]
    public async Task RefreshAsync_RequireTrusted_LoadsOnlyPinnedBuilds()
    {
        Install(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), "Momentum");
        Install(Path.Combine(TestPaths.ShippedPlugins, "Reversal"), "Reversal");
        Install(Path.Combine(TestPaths.FixturePlugins, "SwapV1"), "Swap");
        var momentum = Sha256Of("plugins/Momentum/AlphaHost.Plugins.Momentum.dll");

        await RefreshAsync(Handles.Config(TestConfig + $"plugins:\n  require_trusted: true\n  trusted:\n    Momentum: {momentum}\n    Swap: {new string('0', 64)}\n"));

        Assert.Equal(["momentum"], _catalog.Families.Select(f => f.Name));
        Assert.Contains("has no entry for Reversal", Failure("Reversal"));
        Assert.Contains("is not the one pinned in plugins.trusted.Swap", Failure("Swap"));
    }

    [Fact]
    public async Task RefreshAsync_PinnedPluginReplacedByAnotherBuild_KeepsTheTrustedVersionRunning()
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "SwapV1"), "Swap");
        var config = Handles.Config(TestConfig + $"plugins:\n  trusted:\n    Swap: {Sha256Of("plugins/Swap/AlphaHost.TestPlugins.SwapV1.dll")}\n");
        await RefreshAsync(config);
        var trusted = _catalog.Families.Single();

        Replace("Swap", Path.Combine(TestPaths.FixturePlugins, "SwapV2"));
        await RefreshAsync(config);
        await RefreshAsync(config);

        Assert.Same(trusted, _catalog.Families.Single());
        Assert.Equal("value=0.1", _catalog.Families.Single().ReadHealth().Detail);
        Assert.Contains("untrusted", Failure("Swap"));
    }

    [Fact]
    public async Task RefreshAsync_TrustSettingsChangedWhileRunning_UnloadsTheUntrustedAndRetriesTheRefused()
    {
        Install(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), "Momentum");
        Install(Path.Combine(TestPaths.ShippedPlugins, "Reversal"), "Reversal");
        var momentum = Sha256Of("plugins/Momentum/AlphaHost.Plugins.Momentum.dll");
        var reversal = Sha256Of("plugins/Reversal/AlphaHost.Plugins.Reversal.dll");
        await RefreshAsync(Handles.Config(TestConfig + $"plugins:\n  require_trusted: true\n  trusted:\n    Momentum: {momentum}\n"));
        Assert.Equal(["momentum"], _catalog.Families.Select(f => f.Name));

        await RefreshAsync(Handles.Config(TestConfig + $"plugins:\n  require_trusted: true\n  trusted:\n    Reversal: {reversal}\n"));

        Assert.Equal(["reversal"], _catalog.Families.Select(f => f.Name));
        Assert.Contains("has no entry for Momentum", Failure("Momentum"));
        Assert.Null(Failure("Reversal"));
    }

    [Fact]
    public async Task RefreshAsync_BrokenReplacement_IsTriedOnceAndAgainOnlyWhenTheFilesChange()
    {
        var logger = new CapturingLogger<PluginCatalog>();
        await using var catalog = new PluginCatalog(NullLoggerFactory.Instance, TimeProvider.System, logger);
        Install(Path.Combine(TestPaths.FixturePlugins, "SwapV1"), "Swap");
        await catalog.RefreshAsync(PluginsDir, StateDir, Handles.Config(TestConfig), CancellationToken.None);
        var dll = _dir.File("plugins/Swap/AlphaHost.TestPlugins.SwapV1.dll");
        var good = File.ReadAllBytes(dll);

        File.WriteAllText(dll, "garbage");
        for (var i = 0; i < 5; i++)
        {
            await catalog.RefreshAsync(PluginsDir, StateDir, Handles.Config(TestConfig), CancellationToken.None);
        }

        var failuresWhileBroken = logger.Snapshot().Count(e => e.Message.Contains("reload failed"));
        File.WriteAllBytes(dll, good);
        File.SetLastWriteTimeUtc(dll, DateTime.UtcNow.AddSeconds(5));
        await catalog.RefreshAsync(PluginsDir, StateDir, Handles.Config(TestConfig), CancellationToken.None);
        await catalog.RefreshAsync(PluginsDir, StateDir, Handles.Config(TestConfig), CancellationToken.None);

        Assert.Equal(1, failuresWhileBroken);
        Assert.Contains(logger.Snapshot(), e => e.Message.StartsWith("Plugin Swap reloaded"));
        Assert.Equal("value=0.1", catalog.Families.Single().ReadHealth().Detail);
    }

    [Fact]
    public async Task RefreshAsync_SameFamilyNameInTwoFolders_RefusesTheSecond()
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "SwapV1"), "A");
        Install(Path.Combine(TestPaths.FixturePlugins, "SwapV2"), "B");

        await RefreshAsync(Handles.Config(TestConfig));

        Assert.Single(_catalog.Families);
        Assert.Contains("already exported", Failure("B"));
    }

    [Fact]
    public async Task RefreshAsync_PluginBuiltForAnotherContractVersion_IsRefusedWithBothVersions()
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "FutureContract"), "FutureContract");

        await RefreshAsync(Handles.Config(TestConfig));

        Assert.Empty(_catalog.Families);
        Assert.Contains("built for plugin contract v2, this host speaks v1", Failure("FutureContract"));
    }

    [Theory]
    [InlineData("throw", "60s", "failed to initialize: InvalidOperationException: cannot open my model store")]
    [InlineData("hang", "2s", "failed to initialize: TimeoutException: did not finish within 2000 ms")]
    public async Task RefreshAsync_FamilyThatCannotInitialize_IsRefusedAndOthersLoad(string mode, string initTimeout, string reason)
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "FailingInit"), "FailingInit");
        Install(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), "Momentum");

        await RefreshAsync(Handles.Config($"host:\n  init_timeout: {initTimeout}\nfamilies:\n  momentum: {{}}\n  failing_init:\n    failure: {mode}\n"));

        Assert.Equal(["momentum"], _catalog.Families.Select(f => f.Name));
        Assert.Contains(reason, Failure("FailingInit"));
    }

    [Fact]
    public async Task RefreshAsync_WithACapability_StartsOnlyTheFamiliesThatHaveIt()
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "FailingInit"), "FailingInit");
        Install(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), "Momentum");
        Install(Path.Combine(TestPaths.ShippedPlugins, "MlAlpha"), "MlAlpha");
        await using var catalog = new PluginCatalog(NullLoggerFactory.Instance, TimeProvider.System, NullLogger<PluginCatalog>.Instance)
        {
            Capability = typeof(Abstractions.IFeatureSource),
        };

        await catalog.RefreshAsync(PluginsDir, StateDir, Handles.Config(
            $"families:\n  momentum: {{}}\n  ml_alpha:\n    models_dir: {_dir.File("models")}\n  failing_init:\n    failure: throw\n"), CancellationToken.None);

        // The family that cannot initialize was never started, so nothing failed: only the capable family ran any code.
        Assert.Equal(["ml_alpha"], catalog.Families.Select(f => f.Name));
        Assert.Empty(catalog.Failures);
    }

    [Fact]
    public async Task ApplyConfig_FamilyRefusesItsSection_ReturnsTheKeyAndKeepsEveryFamilyOnItsOldSettings()
    {
        Install(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), "Momentum");
        Install(Path.Combine(TestPaths.ShippedPlugins, "Reversal"), "Reversal");
        await RefreshAsync(Handles.Config(TestConfig));
        var before = _catalog.Families.ToDictionary(f => f.Name, f => f.AppliedConfig);

        var refusal = _catalog.ApplyConfig(Handles.Config(
            "families:\n  momentum:\n    lookback_days: 100\n  reversal:\n    lookback_days: -1\n"));

        Assert.Contains("families.reversal.lookback_days", refusal);
        Assert.All(_catalog.Families, f => Assert.Same(before[f.Name], f.AppliedConfig));
    }

    [Fact]
    public void Inspect_ListsExportsAndUnloadableFolders()
    {
        Install(Path.Combine(TestPaths.FixturePlugins, "Faulty"), "Faulty");
        _dir.Write("plugins/Garbage/Garbage.dll", "nope");

        var inspections = PluginCatalog.Inspect(PluginsDir);

        Assert.Equal(["chaos", "garbage_values", "hanging", "hungry", "throwing"], inspections.Single(i => i.Folder.EndsWith("Faulty")).Exports.Select(e => e.Name).Order());
        Assert.Contains("not a valid .NET assembly", inspections.Single(i => i.Folder.EndsWith("Garbage")).Error);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _catalog.DisposeAsync();
        _dir.Dispose();
    }

    private const string TestConfig = "families:\n  needs_dependency: {}\n  momentum: {}\n  reversal: {}\n  regime: {}\n  yaml_old: {}\n  yaml_new: {}\n  swap: {}\n";

    private Task RefreshAsync(AlphaHostConfig config) => _catalog.RefreshAsync(PluginsDir, StateDir, config, CancellationToken.None);

    private string Sha256Of(string relative) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_dir.File(relative)))).ToLowerInvariant();

    private string? Failure(string folder) => _catalog.Failures.GetValueOrDefault(Path.Combine(PluginsDir, folder));

    private void Install(string source, string name) => TempDir.CopyDirectory(source, Path.Combine(PluginsDir, name));

    private void Replace(string name, string source)
    {
        var target = Path.Combine(PluginsDir, name);
        Directory.Delete(target, recursive: true);
        TempDir.CopyDirectory(source, target);
    }

    private static void CreateParent(string path) => Directory.CreateDirectory(Path.GetDirectoryName(path)!);
}

internal static class ObjectExtensions
{
    public static string Also(this string value, Action<string> action)
    {
        action(value);
        return value;
    }
}
