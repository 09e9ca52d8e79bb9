using System.Text.Json;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>Operator commands reach the daemon that serves their config, from any working directory, and say when it confirmed.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class OperatorDaemonTests : IDisposable
{
    private const int Sigterm = 15;
    private const int Sigstop = 19;
    private const int Sigcont = 18;
    private readonly TempDir _dir = new();

    private string Deployment => Path.Combine(_dir.Path, "deploy");

    private string Runtime => Path.Combine(Deployment, "runtime");

    private string Elsewhere => Directory.CreateDirectory(Path.Combine(_dir.Path, "elsewhere")).FullName;

    [Fact]
    public async Task MlDisable_FromAnotherWorkingDirectory_ReachesTheDaemonWhichConfirmsDisabledConfig()
    {
        var config = WriteShippedConfig(mlEnabled: true);
        using var daemon = HostProcess.Start(Deployment, "run", "--config", config);
        await Poll.UntilAsync(() => ModelState() is { } state && state != "DISABLED_CONFIG");

        var (exit, disable) = await HostProcess.RunAsync(Elsewhere, "ml", "disable", "--reason", "incident 7", "--config", config);
        using var _ = disable;

        Assert.True(exit == 0, disable.Stdout + disable.Stderr);
        Assert.Contains($"confirmed by the daemon (pid {daemon.Id})", disable.Stdout);
        Assert.Contains("ml_alpha DISABLED_CONFIG", disable.Stdout);
        Assert.Equal("DISABLED_CONFIG", ModelState());
        var log = Assert.Single(HostProcess.ReadLog(Path.Combine(Runtime, "logs", "operator.jsonl")));
        Assert.Equal("incident 7", log.GetProperty("reason").GetString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Elsewhere));

        var (statusExit, status) = await HostProcess.RunAsync(Elsewhere, "ml", "status", "--json", "--config", config);
        using var __ = status;
        Assert.Equal(0, statusExit);
        var facts = JsonDocument.Parse(status.Stdout).RootElement.GetProperty("daemon");
        Assert.True(facts.GetProperty("running").GetBoolean());
        Assert.Equal(daemon.Id, facts.GetProperty("pid").GetInt32());
        Assert.Equal(config, facts.GetProperty("record").GetProperty("config").GetString());

        daemon.SendSignal(Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    [Fact]
    public async Task MlDisable_ConfigOtherThanTheDaemonServes_IsRefusedNamingBothPathsAndChangesNothing()
    {
        var config = WriteShippedConfig(mlEnabled: true);
        var other = _dir.Write("other.yaml", File.ReadAllText(config).Replace("runtime_dir: ../runtime", $"runtime_dir: {Runtime}"));
        using var daemon = HostProcess.Start(Deployment, "run", "--config", config);
        await Poll.UntilAsync(() => ModelState() is not null);

        var (exit, disable) = await HostProcess.RunAsync(Elsewhere, "ml", "disable", "--reason", "wrong file", "--config", other);
        using var _ = disable;

        Assert.Equal(2, exit);
        var line = Assert.Single(disable.Stderr.Trim().Split('\n'));
        Assert.Contains(config, line);
        Assert.Contains(other, line);
        Assert.Contains($"pid {daemon.Id}", line);
        Assert.Contains("ml_enabled: true", File.ReadAllText(other));
        Assert.False(File.Exists(Path.Combine(Runtime, "logs", "operator.jsonl")));
    }

    [Fact]
    public async Task MlEnable_DaemonThatDoesNotConfirm_TimesOutWithExitOneAndTheChangeStaysInTheFile()
    {
        var config = WriteShippedConfig(mlEnabled: false);
        using var daemon = HostProcess.Start(Deployment, "run", "--config", config);
        await Poll.UntilAsync(() => ModelState() == "DISABLED_CONFIG");
        daemon.SendSignal(Sigstop);
        try
        {
            var (exit, enable) = await HostProcess.RunAsync(Elsewhere, "ml", "enable", "--reason", "burn-in", "--timeout", "2s", "--config", config);
            using var _ = enable;

            Assert.Equal(1, exit);
            var line = Assert.Single(enable.Stderr.Trim().Split('\n'));
            Assert.StartsWith($"error: the daemon (pid {daemon.Id}) did not confirm leaving DISABLED_CONFIG within 2s", line);
            Assert.Contains("ml_enabled: true", File.ReadAllText(config));
        }
        finally
        {
            daemon.SendSignal(Sigcont);
        }

        await Poll.UntilAsync(() => ModelState() is not (null or "DISABLED_CONFIG"));
    }

    [Fact]
    public async Task MlEnable_DaemonHaltedOnOverdueData_ConfirmsOnlyOnceTheFamilysWorkerRunsAndAnswered()
    {
        // The sample market's dates are in 2015-2016: once the 120 days are replayed the next one is long overdue (HALTED),
        // and the daemon runs no cycle any more; a family enabled then starts and answers between cycles.
        var data = new BarFolderWriter(_dir.File("bars"), symbols: 20);
        data.Append(120);
        var config = WriteShippedConfig(mlEnabled: true);
        File.WriteAllText(config, File.ReadAllText(config).Replace("source: sample", "source: bars").Replace("data_dir: \"\"", $"data_dir: {data.Folder}"));
        using var daemon = HostProcess.Start(Deployment, "run", "--config", config);
        await Poll.UntilAsync(() => Record() is { } r && Text(r, "state") == "HALTED" && ModelFamily(r) is { } f && Text(f, "running") == "True");
        var (disableExit, disable) = await HostProcess.RunAsync(Elsewhere, "ml", "disable", "--reason", "incident", "--config", config);
        using var _ = disable;
        Assert.True(disableExit == 0, disable.Stdout + disable.Stderr);

        var (exit, enable) = await HostProcess.RunAsync(Elsewhere, "ml", "enable", "--reason", "incident over", "--config", config);
        using var __ = enable;

        Assert.True(exit == 0, enable.Stdout + enable.Stderr);
        Assert.Contains($"confirmed by the daemon (pid {daemon.Id})", enable.Stdout);
        // What the daemon says right after the confirmation: the family's worker is up, and its state is its own answer.
        var family = ModelFamily(Record()!.Value)!.Value;
        Assert.True(Text(family, "running") == "True", family.ToString());
        Assert.Contains($"ml_alpha {family.GetProperty("state").GetString()}", enable.Stdout);

        daemon.SendSignal(Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
    }

    [Fact]
    public async Task MlEnable_AlreadyEnabled_SaysSoChangesNothingAndExitsZero()
    {
        var config = WriteShippedConfig(mlEnabled: true);
        var before = File.ReadAllBytes(config);

        var (exit, enable) = await HostProcess.RunAsync(Elsewhere, "ml", "enable", "--reason", "make sure", "--config", config);
        using var _ = enable;

        Assert.True(exit == 0, enable.Stdout + enable.Stderr);
        Assert.Contains($"{config}: features.ml_enabled is already true: ml_alpha already enabled; nothing changed", enable.Stdout);
        Assert.DoesNotContain("true -> true", enable.Stdout);
        Assert.Equal(before, File.ReadAllBytes(config));
        var log = Assert.Single(HostProcess.ReadLog(Path.Combine(Runtime, "logs", "operator.jsonl")));
        Assert.Equal("features.ml_enabled is already true: nothing changed", log.GetProperty("details").GetProperty("change").GetString());
    }

    [Fact]
    public async Task MlDisable_NoDaemonOnTheRuntimeFolder_SaysSoAndExitsZero()
    {
        var config = WriteShippedConfig(mlEnabled: true);

        var (exit, disable) = await HostProcess.RunAsync(Elsewhere, "ml", "disable", "--reason", "maintenance", "--config", config);
        using var _ = disable;

        Assert.Equal(0, exit);
        Assert.Contains($"no daemon is running on {Runtime}: the change is in the file; the next start applies it", disable.Stdout);
        Assert.Contains("ml_enabled: false", File.ReadAllText(config));
        Assert.True(File.Exists(Path.Combine(Runtime, "logs", "operator.jsonl")));
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

    /// <summary>A property of a daemon.json element as text (a boolean as True or False), or null when it is absent.</summary>
    private static string? Text(JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean().ToString() : value.ToString();

    private static JsonElement? ModelFamily(JsonElement record) =>
        record.GetProperty("families").EnumerateArray().Where(f => f.GetProperty("is_model_family").GetBoolean()).Cast<JsonElement?>().FirstOrDefault();

    /// <summary>The model family's state in daemon.json, once the daemon has run a cycle.</summary>
    private string? ModelState()
    {
        try
        {
            var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(Runtime, "daemon.json"))).RootElement;
            return record.GetProperty("families_cycle").GetInt64() == 0 ? null
                : record.GetProperty("families").EnumerateArray().Single(f => f.GetProperty("is_model_family").GetBoolean()).GetProperty("state").GetString();
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The shipped golden config in <c>deploy/configs/</c>, as shipped but fast: its relative paths point into <c>deploy/</c>.</summary>
    private string WriteShippedConfig(bool mlEnabled) => _dir.Write(Path.Combine("deploy", "configs", "golden_config.yaml"), File.ReadAllText(TestPaths.GoldenConfig)
        .Replace("ml_enabled: false", $"ml_enabled: {(mlEnabled ? "true" : "false")}")
        .Replace("cycle_interval: 1s", "cycle_interval: 50ms")
        .Replace("heartbeat_interval: 30s", "heartbeat_interval: 500ms")
        .Replace("warmup_days: 300", "warmup_days: 100"));
}
