using System.Text.Json;
using AlphaHost.Tests.Market;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>A daemon following a bar folder whose file becomes a FIFO keeps cycling: that symbol's day is skipped with a reason.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class BarFolderFollowDaemonTests : IDisposable
{
    private const int Sigterm = 15;
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Run_BarFileSwappedForAFifoWhileFollowing_ProcessesTheDayWithoutThatSymbolAndStops()
    {
        var previousWeekday = Weekdays.From(DateOnly.FromDateTime(DateTime.UtcNow), -1);
        var data = new BarFolderWriter(_dir.File("bars"), symbols: 6, firstDay: Weekdays.From(previousWeekday, -2 - 309));
        data.Append(310);
        var config = _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: false, cycleInterval: "20ms", heartbeat: "100ms")
            .Replace("source: sample", "source: bars").Replace("data_dir: \"\"", $"data_dir: {data.Folder}").Replace("warmup_days: 300", "warmup_days: 290")
            .Replace("max_data_delay: 30h", "max_data_delay: 240h"));
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("| cycles=20 |") && Message(l).Contains("data=WAITING")));

        var victim = data.Universe[0].Symbol;
        File.Delete(data.EquityFile(victim));
        BarFolderEntryTests.MakeFifo(data.EquityFile(victim));
        data.Append(1, except: victim);
        var lines = await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("| cycles=21 |") && Message(l).Contains("data=WAITING")));
        host.SendSignal(Sigterm);

        Assert.Equal(0, await host.WaitForExitAsync());
        var heartbeat = Message(lines.Last(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("| cycles=21 |")));
        Assert.DoesNotContain("state=HALTED", heartbeat); // one symbol of six stale that day: DEGRADED at most, never cycle_stalled
        var warning = Assert.Single(HostProcess.ReadLog(host.LiveLog), l => Message(l).StartsWith($"Market data {victim}:", StringComparison.Ordinal));
        Assert.Contains($"{victim}.csv: a FIFO, not a regular file", Message(warning));
    }

    public void Dispose() => _dir.Dispose();

    private static string Message(JsonElement line) => line.GetProperty("message").GetString()!;
}
