using System.Text.Json;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>
/// A daemon following a bar folder whose vendor forward-fills some symbols (their last bar repeated under new dates) and
/// leaves one out: all of them count as stale, and the heartbeat and daemon.json say how many and which beside the
/// unchanged <c>stale_symbols</c> reason.
/// </summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class StaleBarsDaemonTests : IDisposable
{
    private const int Sigterm = 15;
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Run_FeedForwardFillsTwoSymbolsAndDropsOne_DegradedStaleSymbolsNamingAllThree()
    {
        var previousWeekday = Weekdays.From(DateOnly.FromDateTime(DateTime.UtcNow), -1);
        var data = new BarFolderWriter(_dir.File("bars"), symbols: 6, firstDay: Weekdays.From(previousWeekday, -3 - 309));
        data.Append(310);
        var config = _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: false, cycleInterval: "20ms", heartbeat: "100ms")
            .Replace("source: sample", "source: bars").Replace("data_dir: \"\"", $"data_dir: {data.Folder}").Replace("warmup_days: 300", "warmup_days: 290")
            .Replace("max_data_delay: 30h", "max_data_delay: 240h"));
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("| cycles=20 |") && Message(l).Contains("data=WAITING")));

        var (dropped, filled) = (data.Universe[0].Symbol, new[] { data.Universe[1].Symbol, data.Universe[2].Symbol });
        var lastRows = filled.ToDictionary(s => s, s => File.ReadLines(data.EquityFile(s)).Last());
        // A forward-filling vendor: the symbol's last bar again, open, high, low, close and volume, under each new date.
        data.Append(3, damage: (symbol, row) => lastRows.TryGetValue(symbol, out var last) ? row[..10] + last[10..] + "\n" : row, except: dropped);
        var lines = await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("| cycles=23 |") && Message(l).Contains("data=WAITING")));
        using var daemon = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "runtime", "daemon.json")));
        host.SendSignal(Sigterm);

        Assert.Equal(0, await host.WaitForExitAsync());
        var stale = string.Join(",", filled.Append(dropped).Order(StringComparer.Ordinal));
        var heartbeat = Message(lines.Last(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("| cycles=23 |")));
        Assert.True(heartbeat.Contains("state=DEGRADED"), heartbeat);
        Assert.Contains("stale_symbols", heartbeat.Split(" | ").Single(f => f.StartsWith("reasons=", StringComparison.Ordinal))["reasons=".Length..].Split(','));
        Assert.Contains($" | stale_symbols=3 of 6: {stale}", heartbeat);
        Assert.Contains("| symbols=3 |", heartbeat);
        var record = daemon.RootElement.GetProperty("stale_symbols");
        Assert.Equal(3, record.GetProperty("count").GetInt32());
        Assert.Equal(stale, string.Join(",", record.GetProperty("symbols").EnumerateArray().Select(s => s.GetString())));
    }

    public void Dispose() => _dir.Dispose();

    private static string Message(JsonElement line) => line.GetProperty("message").GetString()!;
}
