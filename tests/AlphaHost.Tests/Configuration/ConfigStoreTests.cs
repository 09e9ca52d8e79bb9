using AlphaHost.Host.Configuration;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlphaHost.Tests.Configuration;

public sealed class ConfigStoreTests
{
    private const string Good = "families:\n  momentum:\n    weight: 0.5\n";

    [Fact]
    public void CheckForChange_UnchangedFile_ReturnsNothing()
    {
        using var dir = new TempDir();
        var store = Create(dir, Good);

        Assert.Null(store.CheckForChange());
    }

    [Fact]
    public void CheckForChange_ValidEdit_ReturnsCandidateThatAcceptPutsInForce()
    {
        using var dir = new TempDir();
        var store = Create(dir, Good);

        Save(dir, "families:\n  momentum:\n    weight: 0.75\n");
        var candidate = store.CheckForChange();
        store.Accept(candidate!);

        Assert.Equal(0.75, store.Current.Family("momentum").Weight);
        Assert.Null(store.RejectedError);
    }

    [Fact]
    public void CheckForChange_InvalidEdit_KeepsLastGoodAndReportsTheError()
    {
        using var dir = new TempDir();
        var store = Create(dir, Good);

        Save(dir, "families:\n  momentum:\n    weight: lots\n");

        Assert.Null(store.CheckForChange());
        Assert.Equal(0.5, store.Current.Family("momentum").Weight);
        Assert.Contains("families.momentum.weight", store.RejectedError);
    }

    [Fact]
    public void CheckForChange_GoodEditAfterInvalidOne_ClearsTheError()
    {
        using var dir = new TempDir();
        var store = Create(dir, Good);
        Save(dir, "families: [\n");
        store.CheckForChange();

        Save(dir, "families:\n  momentum:\n    weight: 0.9\n");
        store.Accept(store.CheckForChange()!);

        Assert.Null(store.RejectedError);
        Assert.Equal(0.9, store.Current.Family("momentum").Weight);
    }

    [Fact]
    public void CheckForChange_RapidValidAndInvalidEdits_EndsOnTheLastGoodVersion()
    {
        using var dir = new TempDir();
        var store = Create(dir, Good);

        for (var i = 1; i <= 20; i++)
        {
            Save(dir, $"families:\n  momentum:\n    weight: {(i % 2 == 0 ? "0.1" : "broken")}\n    lookback_days: {100 + i}\n");
            if (store.CheckForChange() is { } candidate)
            {
                store.Accept(candidate);
            }
        }

        Assert.Equal("120", store.Current.Family("momentum").Values["lookback_days"]);
        Assert.Null(store.RejectedError);
    }

    [Fact]
    public void CheckForChange_RejectedFileRestoredToTheConfigInForce_LogsOneInfoLineAndClearsTheError()
    {
        using var dir = new TempDir();
        var logger = new CapturingLogger<ConfigStore>();
        var store = new ConfigStore(ConfigLoader.Load(dir.Write("golden.yaml", Good)), logger);
        Save(dir, "families:\n  momentum:\n    weight: [0.3\n");
        Assert.Null(store.CheckForChange());

        Save(dir, Good);
        Assert.Null(store.CheckForChange());
        Assert.Null(store.CheckForChange());

        Assert.Null(store.RejectedError);
        var line = Assert.Single(logger.Snapshot(), e => e.Level == Microsoft.Extensions.Logging.LogLevel.Information);
        Assert.Contains("valid again", line.Message);
        Assert.Contains(dir.File("golden.yaml"), line.Message);
    }

    [Fact]
    public void CheckForChange_OverrideSavedWhileTheFileDoesNotParse_HoldsTheInstanceDisabledOnTheLastGoodConfig()
    {
        using var dir = new TempDir();
        var paths = new RuntimePaths(dir.File("plugins"), dir.File("runtime"));
        var store = new ConfigStore(ConfigLoader.Load(dir.Write("golden.yaml", Good)), NullLogger<ConfigStore>.Instance, paths);
        var momentum = new AlphaHost.Abstractions.AlphaFamilyAttribute("momentum");
        Save(dir, "families:\n  momentum:\n    weight: [0.3\n");
        Assert.Null(store.CheckForChange());

        OperatorOverride.Write(OperatorOverride.PathIn(paths), new OperatorOverride(["momentum"], "incident 9", "ops@box", DateTimeOffset.UnixEpoch));
        store.Accept(store.CheckForChange()!);

        Assert.False(store.Current.IsEnabled(momentum));
        Assert.Equal(0.5, store.Current.Family("momentum").Weight);
        Assert.Contains("(syntax)", store.RejectedError);
        Assert.Equal(Good, File.ReadAllText(Path.Combine(paths.RuntimeDir, ConfigStore.InForceFileName)));

        OperatorOverride.Write(OperatorOverride.PathIn(paths), null);
        store.Accept(store.CheckForChange()!);

        Assert.True(store.Current.IsEnabled(momentum));
        Assert.Null(store.CheckForChange());
    }

    private static ConfigStore Create(TempDir dir, string yaml)
    {
        var path = dir.Write("golden.yaml", yaml);
        return new ConfigStore(ConfigLoader.Load(path), NullLogger<ConfigStore>.Instance);
    }

    private static void Save(TempDir dir, string yaml)
    {
        File.WriteAllText(dir.File("golden.yaml"), yaml);
    }
}
