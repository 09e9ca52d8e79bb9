using System.Diagnostics;
using AlphaHost.Host.Configuration;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    [Fact]
    public void Load_GoldenConfig_ShipsMlDisabledAndRegimeOn()
    {
        var config = ConfigLoader.Load(TestPaths.GoldenConfig);

        Assert.False(config.Features["ml_enabled"].Value);
        Assert.True(config.Features["use_regime_detection"].Value);
        Assert.Empty(config.Warnings);
        Assert.All(["momentum", "reversal", "regime", "ml_alpha"], name => Assert.True(config.Families[name].Enabled));
    }

    [Fact]
    public void Load_SeedSedEdit_TurnsMlOnAndOff()
    {
        using var dir = new TempDir();
        var path = dir.File("golden_config.yaml");
        File.Copy(TestPaths.GoldenConfig, path);

        Sed(path, "s/ml_enabled: false/ml_enabled: true/");
        Assert.True(ConfigLoader.Load(path).Features["ml_enabled"].Value);

        Sed(path, "s/ml_enabled: true/ml_enabled: false/");
        Assert.False(ConfigLoader.Load(path).Features["ml_enabled"].Value);
    }

    [Fact]
    public void Parse_EmptyDocument_UsesDeclaredDefaults()
    {
        var config = ConfigLoader.Parse("c.yaml", "host:\n");

        Assert.Equal(new HostOptions(), config.Host);
        Assert.Equal(new MarketOptions(), config.Market);
        Assert.Empty(config.Families);
    }

    [Fact]
    public void Parse_FamilySection_SplitsHostKeysFromFamilySettings()
    {
        var config = ConfigLoader.Parse("c.yaml", "families:\n  momentum:\n    enabled: false\n    weight: 0.25\n    timeout: 50ms\n    lookback_days: 126\n    nested:\n      a: 1\n");

        var family = config.Families["momentum"];
        Assert.False(family.Enabled);
        Assert.Equal(0.25, family.Weight);
        Assert.Equal(TimeSpan.FromMilliseconds(50), family.Timeout);
        Assert.Equal(new Dictionary<string, string> { ["lookback_days"] = "126", ["nested.a"] = "1" }, family.Values);
        Assert.Equal(6, family.Lines["lookback_days"]);
    }

    [Fact]
    public void Parse_FamilyKey_AbsentMeansTheSectionIsItsFamilysOwnInstance_PresentNamesThePluginFamily()
    {
        var config = ConfigLoader.Parse("c.yaml",
            "families:\n  ml_alpha:\n    weight: 0.4\n  ml_candidate:\n    family: ml_alpha\n    mode: shadow\n    models_dir: ../models/ml_candidate\n  momentum:\n    weight: 0.3\n");

        Assert.Null(config.Families["ml_alpha"].Family);
        Assert.Equal("ml_alpha", config.FamilyOf("ml_alpha"));
        Assert.Equal("ml_alpha", config.FamilyOf("ml_candidate"));
        Assert.Equal(5, config.Families["ml_candidate"].FamilyLine);
        Assert.True(config.Families["ml_candidate"].Shadow);
        Assert.Equal(new Dictionary<string, string> { ["models_dir"] = "../models/ml_candidate" }, config.Families["ml_candidate"].Values);
        Assert.Equal(["ml_alpha", "ml_candidate"], config.InstancesOf("ml_alpha"));
        Assert.Equal(["momentum"], config.InstancesOf("momentum"));
        Assert.Equal(["reversal"], config.InstancesOf("reversal"));
    }

    [Theory]
    [InlineData("families:\n  ml_candidate:\n    family: ML-Alpha\n", 3, "families.ml_candidate.family", "lower case letters")]
    [InlineData("host:\n  cycle_interval: fast\n", 2, "host.cycle_interval", "expected a duration")]
    [InlineData("host:\n  quarantine_after: 0\n", 2, "host.quarantine_after", "between 1 and 1000")]
    [InlineData("host:\n  worker_output:\n    bytes_per_second: 10\n", 3, "host.worker_output.bytes_per_second", "between 1024 and")]
    [InlineData("host:\n  worker_output:\n    line_bytes: 1048576\n", 3, "host.worker_output.line_bytes", "between 80 and 65536")]
    [InlineData("features:\n  ml_enabled: maybe\n", 2, "features.ml_enabled", "expected true or false")]
    [InlineData("families:\n  momentum:\n    weight: heavy\n", 3, "families.momentum.weight", "expected a number")]
    [InlineData("families:\n  Momentum!:\n    weight: 1\n", 3, "families.Momentum!", "lower case")]
    [InlineData("families:\n  ml_alpha:\n    mode: paper\n", 3, "families.ml_alpha.mode", "expected one of live, shadow")]
    [InlineData("market:\n  source: tape\n", 2, "market.source", "expected one of sample, bars")]
    [InlineData("market:\n  stale_repeated_bars: 1\n", 2, "market.stale_repeated_bars", "0 (off) or at least 2")]
    [InlineData("market:\n  stale_repeated_bars: -1\n", 2, "market.stale_repeated_bars", "between 0 and")]
    [InlineData("host: [1, 2]\n", 1, "host", "expected a section")]
    [InlineData("host:\n  cycle_interval: 1s\n   bad_indent: 2\n", 3, "(syntax)", "")]
    [InlineData("features:\n  ml_enabled: true\n  ml_enabled: false\n", 3, "(syntax)", "Duplicate key")]
    [InlineData("plugins:\n  trusted:\n    Momentum: abc123\n", 3, "plugins.trusted.Momentum", "64-hex-digit SHA-256")]
    [InlineData("plugins:\n  trusted:\n    ../evil: " + Sha + "\n", 3, "plugins.trusted.../evil", "plugin folder name")]
    [InlineData("plugins:\n  require_trusted: sometimes\n", 2, "plugins.require_trusted", "expected true or false")]
    [InlineData("host:\n  signals_retention_days: -1\n", 2, "host.signals_retention_days", "between 0 and")]
    [InlineData("host:\n  signals_retention_days: a week\n", 2, "host.signals_retention_days", "")]
    [InlineData("host:\n  signals_max_mb: 2GB\n", 2, "host.signals_max_mb", "")]
    public void Parse_InvalidValue_NamesFileLineAndKey(string yaml, int line, string key, string problem)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("golden.yaml", yaml));

        Assert.Equal(line, error.Line);
        Assert.Equal(key, error.KeyPath);
        // A YAML syntax error names the column too: golden.yaml:3:4: (syntax): ...
        Assert.Matches($@"^golden\.yaml:{line}(:\d+)?: {System.Text.RegularExpressions.Regex.Escape(key)}: ", error.Message);
        Assert.Contains(problem, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Parse_UnclosedFlowList_NamesTheLineAndColumnWhereTheParserStopped()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("golden.yaml", "families:\n  momentum:\n    weight: [0.3\n"));

        Assert.Equal("(syntax)", error.KeyPath);
        Assert.Matches(@"^golden\.yaml:[34]:\d+: \(syntax\): ", error.Message);
        Assert.DoesNotContain("current state of the object", error.Message);
    }

    [Fact]
    public void Parse_TabIndentAtLineTen_NamesLineTenAndItsColumn()
    {
        var yaml = string.Concat(Enumerable.Repeat("# comment\n", 8)) + "host:\n\tcycle_interval: 1s\n";

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("golden.yaml", yaml));

        Assert.Equal(10, error.Line);
        Assert.StartsWith("golden.yaml:10:1: (syntax): ", error.Message);
    }

    [Fact]
    public void Parse_PluginPins_AreReadLowerCaseAsOneOrSeveralHashes()
    {
        var config = ConfigLoader.Parse("golden.yaml",
            $"plugins:\n  require_trusted: true\n  trusted:\n    Momentum: {Sha.ToUpperInvariant()}\n    Regime: [{Sha}, {Sha2}]\n");

        Assert.True(config.Plugins.RequireTrusted);
        Assert.Equal([Sha], config.Plugins.Trusted["Momentum"]);
        Assert.Equal([Sha, Sha2], config.Plugins.Trusted["Regime"]);
        Assert.Null(config.Plugins.Refusal("Momentum", Sha));
        Assert.Contains("not the one pinned", config.Plugins.Refusal("Momentum", Sha2));
        Assert.Contains("has no entry for Reversal", config.Plugins.Refusal("Reversal", Sha));
    }

    [Fact]
    public void Parse_NoPluginsSection_LoadsAnyPluginButPinnedOnesMustMatch()
    {
        var config = ConfigLoader.Parse("golden.yaml", $"plugins:\n  trusted:\n    Momentum: {Sha}\n");

        Assert.Null(ConfigLoader.Parse("golden.yaml", "host: {}\n").Plugins.Refusal("Anything", Sha));
        Assert.Null(config.Plugins.Refusal("Reversal", Sha2));
        Assert.NotNull(config.Plugins.Refusal("Momentum", Sha2));
    }

    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string Sha2 = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    public void Parse_EmptyFile_IsRefused(string yaml)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("golden.yaml", yaml));

        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Parse_UnknownKeys_AreWarnedWithLine()
    {
        var config = ConfigLoader.Parse("golden.yaml", "host:\n  cycle_intervall: 1s\nextra: 1\n");

        Assert.Contains("golden.yaml:2: unknown key 'host.cycle_intervall' is ignored", config.Warnings);
        Assert.Contains("golden.yaml:3: unknown key 'extra' is ignored", config.Warnings);
    }

    [Fact]
    public void Parse_SignalJournalLimits_AreReadWithDefaultsWhenAbsent()
    {
        var given = ConfigLoader.Parse("golden.yaml", "host:\n  signals_retention_days: 7\n  signals_max_mb: 0\n");
        var absent = ConfigLoader.Parse("golden.yaml", "host:\n  cycle_interval: 1s\n");

        Assert.Equal(new SignalJournalLimits(7, 0), given.Host.SignalJournal);
        Assert.Empty(given.Warnings);
        Assert.Equal(new SignalJournalLimits(30, 10240), absent.Host.SignalJournal);
    }

    [Fact]
    public void Parse_WorkerOutput_ReadWithDefaultsWhenAbsent_TheGoldenConfigWritesTheDefaults()
    {
        var given = ConfigLoader.Parse("golden.yaml", "host:\n  worker_output:\n    line_bytes: 200\n    bytes_per_second: 4096\n    flood_seconds: 3\n");
        var absent = ConfigLoader.Parse("golden.yaml", "host:\n  cycle_interval: 1s\n");

        Assert.Equal(new WorkerOutputOptions { LineBytes = 200, BytesPerSecond = 4096, FloodSeconds = 3 }, given.Host.WorkerOutput);
        Assert.Empty(given.Warnings);
        Assert.Equal(new WorkerOutputOptions { LineBytes = 1024, BytesPerSecond = 1 << 20, FloodSeconds = 10 }, absent.Host.WorkerOutput);
        Assert.Equal(absent.Host.WorkerOutput, ConfigLoader.Load(TestPaths.GoldenConfig).Host.WorkerOutput);
    }

    [Fact]
    public void Parse_TypeTags_AreNotObeyed()
    {
        var error = Assert.Throws<ConfigException>(() =>
            ConfigLoader.Parse("golden.yaml", "host:\n  cycle_interval: !!System.Diagnostics.Process 1s\n  quarantine_after: !!int seven\n"));

        Assert.Equal(2, error.Line);
        Assert.Contains("type tags are not allowed (tag:yaml.org,2002:System.Diagnostics.Process)", error.Message);
    }

    [Fact]
    public void Load_MissingFile_NamesTheFile()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load("/nonexistent/golden_config.yaml"));

        Assert.Contains("/nonexistent/golden_config.yaml", error.Message);
    }

    private static void Sed(string path, string expression)
    {
        using var sed = Process.Start(new ProcessStartInfo("sed", ["-i", expression, path]))!;
        sed.WaitForExit();
        Assert.Equal(0, sed.ExitCode);
    }
}
