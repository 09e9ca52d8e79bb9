using System.Text.Json;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>
/// The kill switch does not depend on a config that parses: with the daemon's YAML broken, <c>ml disable</c> reaches the
/// daemon through the operator override in its runtime folder, and commands without <c>--config</c> find the daemon
/// through the registry of running daemons.
/// </summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class EmergencyDisableTests : IDisposable
{
    private const int Sigterm = 15;
    private const int Sigstop = 19;
    private const int Sigcont = 18;
    private readonly TempDir _dir = new();

    private string Deployment => Path.Combine(_dir.Path, "deploy");

    private string Runtime => Path.Combine(Deployment, "runtime");

    private string Elsewhere => Directory.CreateDirectory(Path.Combine(_dir.Path, "elsewhere")).FullName;

    /// <summary>Every process of a test registers in and looks up this test's own registry folder.</summary>
    private Dictionary<string, string> Environment => new() { ["ALPHAHOST_REGISTRY_DIR"] = Directory.CreateDirectory(Path.Combine(_dir.Path, "registry")).FullName };

    [Fact]
    public async Task MlDisable_DaemonConfigDoesNotParse_DisablesThroughTheOverrideAndEnableClearsIt()
    {
        var config = WriteShippedConfig();
        using var daemon = HostProcess.Start(Deployment, Environment, "run", "--config", config);
        await Poll.UntilAsync(() => ModelState() is { } state && state != "DISABLED_CONFIG");
        var broken = File.ReadAllText(config).Replace("ml_enabled: true", "ml_enabled: true\n  weight: [0.3");
        File.WriteAllText(config, broken);
        await Poll.UntilAsync(() => RefusedEdit() is not null);

        var (exit, disable) = await HostProcess.RunAsync(Elsewhere, Environment, "ml", "disable", "--reason", "incident 9", "--config", config);
        using var _ = disable;

        Assert.True(exit == 0, disable.Stdout + disable.Stderr);
        Assert.Contains($"confirmed by the daemon (pid {daemon.Id})", disable.Stdout);
        Assert.Equal("DISABLED_CONFIG", ModelState());
        Assert.Equal(broken, File.ReadAllText(config));

        var (statusExit, status) = await HostProcess.RunAsync(Elsewhere, Environment, "ml", "status", "--config", config);
        using var __ = status;
        Assert.True(statusExit == 0, status.Stdout + status.Stderr);
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(config)}:\d+:\d+: \(syntax\)", status.Stdout);
        Assert.Contains("does not parse", status.Stdout);
        Assert.Contains("incident 9", status.Stdout);
        // One config line, and the ML family is said to be off by the override that holds it, not by the configuration.
        var configLine = Assert.Single(status.Stdout.Split('\n'), l => l.StartsWith("config:", StringComparison.Ordinal));
        Assert.EndsWith("-> ENABLED; held DISABLED_CONFIG by the operator override", configLine.TrimEnd());
        var mlState = Assert.Single(status.Stdout.Split('\n'), l => l.StartsWith("ml_state:", StringComparison.Ordinal));
        Assert.Contains("ml_alpha=DISABLED_CONFIG: disabled by the operator override (operator-override.json", mlState);
        Assert.DoesNotContain("disabled by configuration", status.Stdout);

        var (enableExit, enable) = await HostProcess.RunAsync(Elsewhere, Environment, "ml", "enable", "--reason", "all clear", "--config", config);
        using var ___ = enable;
        Assert.True(enableExit == 0, enable.Stdout + enable.Stderr);
        Assert.Contains($"confirmed by the daemon (pid {daemon.Id})", enable.Stdout);
        Assert.NotEqual("DISABLED_CONFIG", ModelState());

        daemon.SendSignal(Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    [Fact]
    public async Task MlStatus_NoConfigGivenNorInTheWorkingDirectory_ReportsTheOnlyRunningDaemon()
    {
        var config = WriteShippedConfig();
        using var daemon = HostProcess.Start(Deployment, Environment, "run", "--config", config);
        await Poll.UntilAsync(() => ModelState() is not null);

        var (exit, status) = await HostProcess.RunAsync(Elsewhere, Environment, "ml", "status", "--json");
        using var _ = status;

        Assert.True(exit == 0, status.Stdout + status.Stderr);
        var facts = JsonDocument.Parse(status.Stdout).RootElement;
        Assert.Equal(config, facts.GetProperty("config").GetString());
        Assert.Equal(daemon.Id, facts.GetProperty("daemon").GetProperty("pid").GetInt32());

        daemon.SendSignal(Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_dir.Path, "registry")));
    }

    [Fact]
    public async Task MlDisable_ConfigDoesNotParseAndTheDaemonDoesNotConfirm_SaysTheOverrideIsHeldNotTheFile()
    {
        var config = WriteShippedConfig();
        using var daemon = HostProcess.Start(Deployment, Environment, "run", "--config", config);
        await Poll.UntilAsync(() => ModelState() is { } state && state != "DISABLED_CONFIG");
        File.WriteAllText(config, File.ReadAllText(config).Replace("ml_enabled: true", "ml_enabled: true\n  weight: [0.3"));
        await Poll.UntilAsync(() => RefusedEdit() is not null);
        daemon.SendSignal(Sigstop);
        try
        {
            var (exit, disable) = await HostProcess.RunAsync(Elsewhere, Environment, "ml", "disable", "--reason", "incident 10", "--timeout", "2s", "--config", config);
            using var _ = disable;

            Assert.Equal(1, exit);
            var line = Assert.Single(disable.Stderr.Trim().Split('\n'));
            Assert.StartsWith($"error: the daemon (pid {daemon.Id}) did not confirm DISABLED_CONFIG within 2s", line);
            Assert.EndsWith($"; the override is held in {Path.Combine(Runtime, "operator-override.json")}", line);
            Assert.DoesNotContain("the change is in the file", line);
        }
        finally
        {
            daemon.SendSignal(Sigcont);
        }

        await Poll.UntilAsync(() => ModelState() == "DISABLED_CONFIG");
        daemon.SendSignal(Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    [Fact]
    public async Task ModelsPromote_NoConfigGivenNorInTheWorkingDirectoryAndNoDaemonRunning_RefusesWithExitTwo()
    {
        var (exit, promote) = await HostProcess.RunAsync(Elsewhere, Environment, "models", "promote", "AAA", "--to", "AAA_v1_20260101_000000", "--reason", "r");
        using var _ = promote;

        Assert.Equal(2, exit);
        var line = Assert.Single(promote.Stderr.Trim().Split('\n'));
        Assert.Contains($"no daemon is running (registry: {Path.Combine(_dir.Path, "registry")}); give --config", line);
    }

    [Fact]
    public async Task ModelsPromote_NoConfigGivenNorInTheWorkingDirectory_ActsOnTheOnlyRunningDaemonsModelsFolder()
    {
        var config = WriteShippedConfig();
        using var daemon = HostProcess.Start(Deployment, Environment, "run", "--config", config);
        await Poll.UntilAsync(() => ModelState() is not null);

        var (exit, promote) = await HostProcess.RunAsync(Elsewhere, Environment, "models", "promote", "AAA", "--to", "AAA_v1_20260101_000000", "--reason", "r");
        using var _ = promote;

        // No such model: refused, naming the folder it looked in, which is the daemon's (not the one beside the executable).
        Assert.Equal(2, exit);
        Assert.Contains(Path.Combine(Deployment, "models"), promote.Stderr);
        daemon.SendSignal(Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    public void Dispose() => _dir.Dispose();

    private JsonElement? Record()
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(Path.Combine(Runtime, "daemon.json"))).RootElement;
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The config edit the daemon refused, as daemon.json says it.</summary>
    private string? RefusedEdit() => Record() is { } record && record.TryGetProperty("config_error", out var error) ? error.GetString() : null;

    /// <summary>The model family's state in daemon.json, once the daemon has run a cycle.</summary>
    private string? ModelState() => Record() is { } record && record.GetProperty("families_cycle").GetInt64() > 0
        ? record.GetProperty("families").EnumerateArray().Single(f => f.GetProperty("is_model_family").GetBoolean()).GetProperty("state").GetString()
        : null;

    /// <summary>The shipped golden config in <c>deploy/configs/</c> with ML on, fast: its relative paths point into <c>deploy/</c>.</summary>
    private string WriteShippedConfig() => _dir.Write(Path.Combine("deploy", "configs", "golden_config.yaml"), File.ReadAllText(TestPaths.GoldenConfig)
        .Replace("ml_enabled: false", "ml_enabled: true")
        .Replace("cycle_interval: 1s", "cycle_interval: 50ms")
        .Replace("heartbeat_interval: 30s", "heartbeat_interval: 500ms")
        .Replace("warmup_days: 300", "warmup_days: 100"));
}
