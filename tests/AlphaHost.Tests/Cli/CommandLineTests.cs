using AlphaHost.Tests.Daemon;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Cli;

/// <summary>What an operator sees for a command line that is wrong: a one-line reason, a suggestion where one fits, exit 2.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class CommandLineTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task MistypedCommand_SuggestsTheCommandMeantAndExitsTwo()
    {
        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "trian");
        using var _ = host;

        Assert.Equal(2, exit);
        var lines = host.Stderr.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("error: Unrecognized command or argument 'trian'.", lines);
        var suggestion = Array.IndexOf(lines, "'trian' was not matched. Did you mean one of the following?");
        Assert.True(suggestion >= 0, host.Stderr);
        Assert.Equal("train", lines[suggestion + 1]);
        Assert.Equal("", host.Stdout);
    }

    [Fact]
    public async Task TrainHelp_NamesBothTrainingScopes_ThePooledDefaultFirst()
    {
        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "train", "--help");
        using var _ = host;

        Assert.Equal(0, exit);
        var description = host.Stdout.Split('\n', StringSplitOptions.TrimEntries)[1];
        Assert.StartsWith("Train ML models: one pooled model over the symbols (training.scope: universe, the default)", description);
        Assert.Contains("one model per symbol (training.scope: symbol)", description);
    }

    [Theory]
    [InlineData("run", "--cycles", "abc", "error: --cycles 'abc' is not a whole number")]
    [InlineData("audit", "--last", "1.5", "error: --last '1.5' is not a whole number")]
    [InlineData("audit", "--min-pass-rate", "high", "error: --min-pass-rate 'high' is not a number")]
    [InlineData("backtest", "--max-drawdown", "NaN", "error: --max-drawdown 'NaN' is not a number")]
    public async Task BadOptionValue_NamesTheOptionAndValueNotADotNetType(string command, string option, string value, string expected)
    {
        var (exit, host) = await HostProcess.RunAsync(_dir.Path, command, option, value);
        using var _ = host;

        Assert.Equal(2, exit);
        Assert.Contains(expected, host.Stderr.Split('\n', StringSplitOptions.TrimEntries));
        Assert.DoesNotContain("System.", host.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_OnADayWithoutBars_IsAUsageErrorNamingTheTradingDaysAround()
    {
        // The sample market trades on weekdays; 2015-03-07 is a Saturday.
        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "audit", "--all", "--date", "2015-03-07", "--out", "audit.json", "--config", Config(TestConfigs.GoldenBesideRuntime()));
        using var _ = host;

        Assert.Equal(2, exit);
        Assert.Matches(@"^error: --date 2015-03-07 is not a trading day of .+ \(nearest: 2015-03-06 before, 2015-03-09 after\)$", host.Stderr.Trim());
        Assert.False(File.Exists(Path.Combine(_dir.Path, "audit.json")));
    }

    [Fact]
    public async Task ConfigValidate_InvalidValue_PrintsExactlyTheDaemonsErrorAndExitsTwo()
    {
        var config = Config(TestConfigs.GoldenBesideRuntime().Replace("cycle_interval: 1s", "cycle_interval: soon"));

        var (exit, validate) = await HostProcess.RunAsync(_dir.Path, "config", "validate", "--config", config);
        var (runExit, daemon) = await HostProcess.RunAsync(_dir.Path, "run", "--config", config);
        using var _ = validate;
        using var __ = daemon;

        Assert.Equal((2, 2), (exit, runExit));
        Assert.Matches($@"^error: {System.Text.RegularExpressions.Regex.Escape(config)}:\d+: host\.cycle_interval: .*'soon'$", validate.Stderr.Trim());
        Assert.Equal(daemon.Stderr, validate.Stderr);
    }

    [Fact]
    public async Task ConfigValidate_UnknownKey_WarnsWithFileLineAndKeyAndExitsZero()
    {
        var golden = TestConfigs.GoldenBesideRuntime();
        var config = Config(golden.Replace("host:\n", "host:\n  cycle_intervall: 2s\n"));

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "config", "validate", "--config", config);
        using var _ = host;

        Assert.Equal(0, exit);
        var line = golden.Split('\n').ToList().IndexOf("host:") + 2;
        Assert.Equal($"warning: {config}:{line}: unknown key 'host.cycle_intervall' is ignored", host.Stderr.Trim());
        Assert.Equal($"{config}: valid, 1 warning(s)", host.Stdout.Trim());
    }

    [Fact]
    public async Task ConfigValidate_MistypedFamilyKey_WarnsWithFileLineAndKeyWithoutStartingTheFamily()
    {
        var golden = TestConfigs.GoldenBesideRuntime();
        var config = Config(golden.Replace("  momentum:\n", "  momentum:\n    lookback_dayz: 200\n"));

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "config", "validate", "--config", config);
        using var _ = host;

        Assert.Equal(0, exit);
        var line = golden.Split('\n').ToList().IndexOf("  momentum:") + 2;
        Assert.Equal($"warning: {config}:{line}: unknown key 'families.momentum.lookback_dayz' is ignored", host.Stderr.Trim());
        Assert.Equal($"{config}: valid, 1 warning(s)", host.Stdout.Trim());
    }

    [Fact]
    public async Task ConfigValidate_SectionAndFlagNoInstalledFamilyUses_WarnsAsTheDaemonDoesAtStart()
    {
        var golden = TestConfigs.GoldenBesideRuntime();
        var config = Config(golden.Replace("features:\n", "features:\n  use_crystal_ball: true\n") + "  nosuchfamily:\n    enabled: true\n");

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "config", "validate", "--config", config);
        using var _ = host;

        Assert.Equal(0, exit);
        var flagLine = golden.Split('\n').ToList().IndexOf("features:") + 2;
        Assert.Equal(
            [$"warning: families.nosuchfamily names no loaded family; it has no effect until a plugin exports it",
             $"warning: {config}:{flagLine}: features.use_crystal_ball gates no loaded family; it has no effect until a plugin declares it"],
            host.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task ConfigValidate_ShippedConfig_IsValidWithoutWarnings()
    {
        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "config", "validate", "--config", TestPaths.GoldenConfig);
        using var _ = host;

        Assert.Equal((0, ""), (exit, host.Stderr));
        Assert.Equal($"{TestPaths.GoldenConfig}: valid", host.Stdout.Trim());
    }

    [Fact]
    public async Task PluginsListPins_ForABuildTheConfigRefuses_SaysSoOnItsLine()
    {
        var pinned = new string('0', 64);
        var config = Config(TestConfigs.GoldenBesideRuntime().Replace("trusted: {}", $"trusted: {{ Momentum: {pinned} }}"));

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "plugins", "list", "--pins", "--config", config);
        using var _ = host;

        Assert.Equal(0, exit);
        var lines = host.Stdout.Split('\n', StringSplitOptions.TrimEntries);
        Assert.EndsWith("REFUSED now: not the build pinned in plugins.trusted.Momentum, check it before pinning it", Assert.Single(lines, l => l.StartsWith("Momentum:", StringComparison.Ordinal)));
        Assert.All(lines.Where(l => l.StartsWith("Regime:", StringComparison.Ordinal) || l.StartsWith("Reversal:", StringComparison.Ordinal)),
            l => Assert.DoesNotContain("REFUSED", l, StringComparison.Ordinal));
    }

    public void Dispose() => _dir.Dispose();

    private string Config(string text) => _dir.Write("golden.yaml", text);
}
