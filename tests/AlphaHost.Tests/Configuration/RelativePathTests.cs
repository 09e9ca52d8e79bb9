using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Market;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Configuration;

/// <summary>Relative paths written in a config file are taken from the file's folder, never from the working directory.</summary>
public sealed class RelativePathTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void RuntimePaths_RelativeRuntimeAndPluginsDirs_ResolveAgainstTheConfigFolder()
    {
        var config = Load("host:\n  runtime_dir: ../state/runtime\n  plugins_dir: plugins\n");

        var paths = RuntimePaths.From(config);

        Assert.Equal(Path.Combine(_dir.Path, "state", "runtime"), paths.RuntimeDir);
        Assert.Equal(Path.Combine(_dir.Path, "configs", "plugins"), paths.PluginsDir);
        Assert.Equal(Path.Combine(_dir.Path, "state", "runtime", "logs"), paths.LogsDir);
    }

    [Fact]
    public void RuntimePaths_DefaultRuntimeDir_IsBesideTheConfigFile()
    {
        var paths = RuntimePaths.From(Load("host:\n  cycle_interval: 1s\n"));

        Assert.Equal(Path.Combine(_dir.Path, "configs", "runtime"), paths.RuntimeDir);
    }

    [Fact]
    public void RuntimePaths_AbsoluteRuntimeDir_StaysAsWritten()
    {
        var elsewhere = Path.Combine(_dir.Path, "abs");

        var paths = RuntimePaths.From(Load($"host:\n  runtime_dir: {elsewhere}\n"));

        Assert.Equal(elsewhere, paths.RuntimeDir);
    }

    [Fact]
    public void MarketFeed_RelativeDataDir_IsOpenedFromTheConfigFolder()
    {
        var bars = new BarFolderWriter(Path.Combine(_dir.Path, "data"), 5);
        bars.Append(3);
        var config = Load("market:\n  source: bars\n  data_dir: ../data\n");

        var feed = MarketFeedFactory.Create(config.Market, config.ConfigDirectory);

        Assert.Equal($"bars({bars.Folder}, symbols=5)", feed.Description);
    }

    [Fact]
    public void FamilySettings_GetPath_ResolvesAgainstTheBaseDirectoryAndDefaultsTheSameWay()
    {
        var settings = new FamilySettings("families.ml_alpha", new Dictionary<string, string> { ["models_dir"] = "../models/ml_alpha" }, "/srv/alpha/configs");

        Assert.Equal("/srv/alpha/models/ml_alpha", settings.GetPath("models_dir", "models"));
        Assert.Equal("/srv/alpha/configs/contracts", settings.GetPath("contracts_dir", "contracts"));
        Assert.Equal("/abs/x", settings.GetPath("absent", "/abs/x"));
    }

    [Fact]
    public void FamilySettings_GetPath_EmptyValue_NamesTheKey()
    {
        var settings = new FamilySettings("families.ml_alpha", new Dictionary<string, string> { ["models_dir"] = "" }, "/srv");

        var error = Assert.Throws<FamilySettingsException>(() => settings.GetPath("models_dir", "models"));

        Assert.Contains("families.ml_alpha.models_dir", error.Message);
    }

    public void Dispose() => _dir.Dispose();

    private AlphaHostConfig Load(string yaml) => ConfigLoader.Load(_dir.Write(Path.Combine("configs", "golden.yaml"), yaml));
}
