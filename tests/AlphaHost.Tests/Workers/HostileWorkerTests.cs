using System.Text.Json;
using AlphaHost.Tests.Daemon;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Workers;

/// <summary>
/// A hostile family against the channels between its worker and the host (<c>tests/plugins/Hostile</c>): a console flood
/// with or without newlines, a fake huge frame and garbage on the protocol pipe. The host's memory stays flat, one error
/// line names the family and why, its worker is killed and started again on the back-off, and the other family signals
/// every cycle.
/// </summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class HostileWorkerTests : IDisposable
{
    private const int Sigterm = 15;
    private const long MiB = 1 << 20;
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData("stderr_flood", "worker killed: output_flood: it wrote more than 1048576 bytes a second to its console for 2 s")]
    [InlineData("stdout_flood", "worker killed: output_flood: it wrote more than 1048576 bytes a second to its console for 2 s")]
    [InlineData("huge_frame", "worker killed: it broke the worker protocol on its standard output (a frame length of 2147483648 bytes is out of range")]
    [InlineData("protocol_garbage", "worker killed: it broke the worker protocol on its standard output (a frame of type 238 with sequence number 0")]
    public async Task Run_WorkerAttacksItsChannelToTheHost_OneLineNamesFamilyAndWhyItsWorkerRestartsOthersSignalEveryCycle(string family, string why)
    {
        var config = WriteConfig(family, "attack_from: 3", "worker_output: {flood_seconds: 2}");
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);

        // Killed once, started again, and attacking again after its restart.
        await host.WaitForLogAsync(_ => Errors(host).Count(e => e.StartsWith($"Family {family} failed", StringComparison.Ordinal) && e.Contains(why, StringComparison.Ordinal)) >= 2);
        var lines = await host.WaitForLogAsync(l => Started(l, family) >= 2);
        await host.WaitForLogAsync(l => CyclesIn(l) >= CyclesIn(lines) + 5);
        var metrics = await ScrapeAsync();
        host.SendSignal(Sigterm);

        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.Equal(0, Dropped(metrics, "momentum"));
        Assert.All(Journal().GroupBy(l => l.GetProperty("cycle").GetInt64()), cycle => Assert.Contains(cycle, l => l.GetProperty("contributions").GetProperty("momentum").GetDouble() != 0.0));
        var failed = Errors(host).Where(e => e.StartsWith($"Family {family} failed", StringComparison.Ordinal)).ToList();
        Assert.Contains(failed, e => e.Contains(why, StringComparison.Ordinal) && !e.Contains('\n', StringComparison.Ordinal));
        Assert.Contains(Errors(host), e => e.StartsWith($"Family {family} quarantined", StringComparison.Ordinal));
        var heartbeats = Heartbeats(host);
        Assert.DoesNotContain(heartbeats, h => h.Contains("state=HALTED") && !h.Contains("reasons=starting"));
        if (family.EndsWith("_flood", StringComparison.Ordinal))
        {
            Assert.Contains(heartbeats, h => h.Contains($"{family}=DEGRADED: output_flood: its worker writes more than 1048576 bytes a second", StringComparison.Ordinal));
            Assert.True(Dropped(metrics, family) > MiB, $"dropped bytes not counted:\n{metrics}");
        }
    }

    [Fact]
    public async Task Run_NewlineLessStderrFloodFor60s_HostStaysUnderIdleRssPlus100MbOthersSignalEveryCycle()
    {
        var config = WriteConfig("stderr_flood", "attack_from: 60", "");
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(l => CyclesIn(l) >= 40);
        var idle = ResidentBytes(host.Id);

        var peak = idle;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < until)
        {
            peak = Math.Max(peak, ResidentBytes(host.Id));
            await Task.Delay(250);
        }

        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.True(peak < idle + 100 * MiB, $"host resident memory {peak / MiB} MB under the flood, idle {idle / MiB} MB");
        Assert.All(Journal().GroupBy(l => l.GetProperty("cycle").GetInt64()), cycle => Assert.Contains(cycle, l => l.GetProperty("contributions").GetProperty("momentum").GetDouble() != 0.0));
        Assert.Contains(Heartbeats(host), h => h.Contains("stderr_flood=DEGRADED: output_flood", StringComparison.Ordinal));
        Assert.Contains(Errors(host), e => e.StartsWith("Family stderr_flood failed", StringComparison.Ordinal) && e.Contains("output_flood", StringComparison.Ordinal));
    }

    public void Dispose() => _dir.Dispose();

    private string WriteConfig(string family, string settings, string hostExtra)
    {
        var plugins = _dir.File("plugins");
        TempDir.CopyDirectory(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), Path.Combine(plugins, "Momentum"));
        TempDir.CopyDirectory(Path.Combine(TestPaths.FixturePlugins, "Hostile"), Path.Combine(plugins, "Hostile"));
        return _dir.Write("golden.yaml", $$"""
            host:
              cycle_interval: 50ms
              heartbeat_interval: 300ms
              family_timeout: 300ms
              quarantine_after: 2
              quarantine_backoff: 1s
              shutdown_timeout: 10s
              plugins_dir: {{plugins}}
              http: {listen: "127.0.0.1:0"}
              {{hostExtra}}
            market:
              sample: {symbols: 60}
            families:
              momentum: {weight: 0.5, timeout: 60s}
              {{family}}: {weight: 0.5, {{settings}}}
            """);
    }

    /// <summary>The daemon's <c>/metrics</c>, at the address it wrote to <c>daemon.json</c>.</summary>
    private async Task<string> ScrapeAsync()
    {
        using var record = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir.Path, "runtime", "daemon.json")));
        var listen = record.RootElement.GetProperty("http").GetProperty("listen").GetString();
        using var client = new HttpClient();
        return await client.GetStringAsync(new Uri($"http://{listen}/metrics"));
    }

    /// <summary>The family's <c>alphahost_worker_output_dropped_bytes_total</c> sample, or NaN when there is none.</summary>
    private static double Dropped(string metrics, string family) =>
        metrics.Split('\n')
            .Where(l => l.StartsWith("alphahost_worker_output_dropped_bytes_total{", StringComparison.Ordinal) && l.Contains($"family=\"{family}\"", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))
            .DefaultIfEmpty(double.NaN)
            .First();

    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    private List<JsonElement> Journal() =>
        Directory.GetFiles(Path.Combine(_dir.Path, "runtime", "signals"), "signals_*.jsonl").Order().SelectMany(HostProcess.ReadLog).ToList();

    private static List<string> Errors(HostProcess host) => HostProcess.ReadLog(host.ErrorLog).Select(e => e.GetProperty("message").GetString()!).ToList();

    private static List<string> Heartbeats(HostProcess host) =>
        HostProcess.ReadLog(host.LiveLog).Where(HostProcess.IsHeartbeat).Select(h => h.GetProperty("message").GetString()!).ToList();

    private static int Started(IReadOnlyList<JsonElement> lines, string family) =>
        lines.Count(l => l.GetProperty("message").GetString()!.StartsWith($"Family {family} started", StringComparison.Ordinal));

    private static int CyclesIn(IReadOnlyList<JsonElement> lines) =>
        lines.Where(HostProcess.IsHeartbeat).Select(h => (int)h.GetProperty("Cycles").GetInt64()).DefaultIfEmpty(0).Max();
}
