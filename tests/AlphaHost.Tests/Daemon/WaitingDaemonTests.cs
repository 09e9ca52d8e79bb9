using System.Text.Json;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>A live daemon spends most of its day waiting for the next trading day: operator commands must work then too.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class WaitingDaemonTests : IDisposable
{
    private const int Sigterm = 15;
    private readonly TempDir _dir = new();

    [Fact]
    public async Task MlResetGovernance_DaemonWaitingForTheNextDay_IsConfirmedWithoutANewDay()
    {
        // 600 days ending three weekdays before the last weekday before today: caught up, the next day is not due yet.
        var previousWeekday = Weekdays.From(DateOnly.FromDateTime(DateTime.UtcNow), -1);
        var data = new BarFolderWriter(_dir.File("bars"), symbols: 6, firstDay: Weekdays.From(previousWeekday, -2 - 599));
        data.Append(600);
        var config = _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: true, cycleInterval: "20ms", heartbeat: "100ms")
            .Replace("source: sample", "source: bars").Replace("data_dir: \"\"", $"data_dir: {data.Folder}").Replace("warmup_days: 300", "warmup_days: 450")
            .Replace("max_data_delay: 30h", "max_data_delay: 240h")
            .Replace("    model_refresh: 200ms\n", "    model_refresh: 200ms\n    governance:\n      max_failures: 1\n"));
        var symbols = string.Join(",", data.Universe.Take(2).Select(u => u.Symbol));
        var (trained, train) = await HostProcess.RunAsync(_dir.Path, "train", "--config", config, "--symbols", symbols);
        train.Dispose();
        Assert.Equal(0, trained);
        var meta = Path.Combine(_dir.Path, "models", "ml_alpha", $"{data.Universe[0].Symbol}_v1_latest", "model_meta.json");
        var original = File.ReadAllText(meta);
        ModelFiles.DropFeatures(meta, 2);

        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        var tripped = await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("ml_state=DISABLED_GOVERNANCE") && Message(l).Contains("data=WAITING")));
        var cycles = tripped.Last(HostProcess.IsHeartbeat).GetProperty("Cycles").GetInt64();
        File.WriteAllText(meta, original);

        var (exit, reset) = await HostProcess.RunAsync(_dir.Path, "ml", "reset-governance", "--reason", "metadata restored", "--config", config);
        using var _ = reset;

        Assert.True(exit == 0, reset.Stdout + reset.Stderr);
        Assert.Contains("confirmed by the daemon", reset.Stdout);
        var after = await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("ml_state=ENABLED|") && Message(l).Contains("data=WAITING")));
        Assert.Equal(cycles, after.Last(HostProcess.IsHeartbeat).GetProperty("Cycles").GetInt64());
        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    public void Dispose() => _dir.Dispose();

    private static string Message(JsonElement line) => line.GetProperty("message").GetString()!;
}
