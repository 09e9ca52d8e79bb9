using System.Text.Json;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>One daemon owns a runtime folder (the lock), says what it is doing in daemon.json, and finds its folders from its config file.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class RuntimeFolderTests : IDisposable
{
    private const int Sigterm = 15;
    private readonly TempDir _dir = new();

    private string DaemonJson => Path.Combine(_dir.Path, "runtime", "daemon.json");

    [Fact]
    public async Task Run_SecondDaemonOnTheSameRuntimeFolder_ExitsTwoNamingTheFirstPidAndWritesNothing()
    {
        var config = WriteConfig();
        using var first = HostProcess.Start(_dir.Path, "run", "--config", config);
        await Poll.UntilAsync(() => Record() is { } r && r.GetProperty("status").GetString() == "running");
        var elsewhere = Directory.CreateDirectory(Path.Combine(_dir.Path, "elsewhere")).FullName;
        var logsBefore = Directory.GetFiles(Path.Combine(_dir.Path, "runtime", "logs")).Order().ToArray();

        var (exit, second) = await HostProcess.RunAsync(elsewhere, "run", "--config", config);
        using var _ = second;

        Assert.Equal(2, exit);
        var line = Assert.Single(second.Stderr.Trim().Split('\n'));
        Assert.Contains($"pid {first.Id}", line);
        Assert.Contains(Path.Combine(_dir.Path, "runtime"), line);
        Assert.Equal(first.Id, Record()!.Value.GetProperty("pid").GetInt32());
        Assert.Equal(logsBefore, Directory.GetFiles(Path.Combine(_dir.Path, "runtime", "logs")).Order().ToArray());
        Assert.False(Directory.Exists(Path.Combine(elsewhere, "runtime")));
    }

    [Fact]
    public async Task Run_DaemonJson_IsCurrentWhileRunningAndSaysStoppedAfterACleanStop()
    {
        var config = WriteConfig();
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await Poll.UntilAsync(() => Record() is { } r && r.GetProperty("cycle").GetInt64() >= 3);
        var early = Record()!.Value;
        await Poll.UntilAsync(() => Record()!.Value.GetProperty("cycle").GetInt64() > early.GetProperty("cycle").GetInt64() + 2);
        var later = Record()!.Value;

        Assert.Equal("running", later.GetProperty("status").GetString());
        Assert.Equal(host.Id, later.GetProperty("pid").GetInt32());
        Assert.Equal(config, later.GetProperty("config").GetString());
        Assert.Equal(Path.Combine(_dir.Path, "runtime"), later.GetProperty("runtime_dir").GetString());
        Assert.Equal(TestPaths.ShippedPlugins, later.GetProperty("plugins_dir").GetString());
        Assert.True(DateOnly.Parse(later.GetProperty("market_date").GetString()!) > DateOnly.Parse(early.GetProperty("market_date").GetString()!));
        Assert.Equal("DISABLED_CONFIG", later.GetProperty("ml_state").GetString());
        var ml = Assert.Single(later.GetProperty("families").EnumerateArray(), f => f.GetProperty("name").GetString() == "ml_alpha");
        Assert.Equal(("DISABLED_CONFIG", false), (ml.GetProperty("state").GetString(), ml.GetProperty("enabled").GetBoolean()));

        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());
        var stopped = Record()!.Value;
        Assert.Equal("stopped", stopped.GetProperty("status").GetString());
        Assert.True(stopped.TryGetProperty("stopped_at", out _));
        var (next, again) = await HostProcess.RunAsync(_dir.Path, "run", "--config", config, "--cycles", "1");
        using var restarted = again;
        Assert.True(next == 0, "the lock was released: " + again.Stderr);
    }

    [Fact]
    public async Task Run_ShippedRelativePaths_AreTakenFromTheConfigFolderNotTheWorkingDirectory()
    {
        var config = _dir.Write(Path.Combine("deploy", "configs", "golden_config.yaml"), File.ReadAllText(TestPaths.GoldenConfig)
            .Replace("cycle_interval: 1s", "cycle_interval: 0ms"));
        var elsewhere = Directory.CreateDirectory(Path.Combine(_dir.Path, "elsewhere")).FullName;

        var (exit, host) = await HostProcess.RunAsync(elsewhere, "run", "--config", config, "--cycles", "2");
        using var _ = host;

        Assert.True(exit == 0, host.Stderr);
        var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "deploy", "runtime", "daemon.json"))).RootElement;
        Assert.Equal(Path.Combine(_dir.Path, "deploy", "models", "ml_alpha"), record.GetProperty("models_dir").GetString());
        Assert.True(File.Exists(Path.Combine(_dir.Path, "deploy", "runtime", "logs", "live.jsonl")));
        Assert.True(File.Exists(Path.Combine(_dir.Path, "deploy", "runtime", "signals", "latest.json")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
    }

    public void Dispose() => _dir.Dispose();

    private JsonElement? Record()
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(DaemonJson)).RootElement.Clone();
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    private string WriteConfig() => _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: false, cycleInterval: "50ms", heartbeat: "200ms"));
}
