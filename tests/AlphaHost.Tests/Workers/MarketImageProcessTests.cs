using System.Text.Json;
using AlphaHost.Tests.Daemon;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Workers;

/// <summary>
/// The daemon with its families in workers that read the market image: the same signals as in process, through a change
/// of image generation; and a market image that cannot be written costs those families their cycles, not the daemon.
/// </summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class MarketImageProcessTests : IDisposable
{
    private const int Cycles = 200;
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Run_SameSampleMarketInWorkersAndInProcess_JournalsAreIdenticalThroughAGenerationChange()
    {
        var isolated = await RunAsync("process");
        var inProcess = await RunAsync("in_process");

        Assert.Equal(Cycles, isolated.Select(r => r.Date).Distinct().Count());
        Assert.Equal(inProcess, isolated);
        Assert.Contains(isolated, r => r.Contributions.Contains("momentum=") && !r.Contributions.Contains("momentum=0,"));

        // The image's slots grow from 64 bars by half a generation (64, 128, 192, 288, 432): 300 days of warm-up and 200 cycles go through several generations, one during the cycles.
        var messages = HostProcess.ReadLog(Path.Combine(_dir.Path, "process", "runtime", "logs", "live.jsonl")).Select(l => l.GetProperty("message").GetString()!).ToList();
        Assert.Contains(messages, m => m.StartsWith("Market image generation 2 written", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_MarketImageCannotBeWritten_DaemonRunsEveryCycleAndTheErrorNamesTheFileInOneLine()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir.Path, "process", "runtime")).FullName;
        File.WriteAllText(Path.Combine(folder, "market"), "a file where the image folder belongs");

        var (exitCode, host) = await HostProcess.RunAsync(Path.Combine(_dir.Path, "process"), "run", "--config", WriteConfig("process"), "--cycles", "8");
        using var _ = host;

        Assert.Equal(0, exitCode);
        var final = HostProcess.ReadLog(host.LiveLog).Where(HostProcess.IsHeartbeat).Last();
        Assert.Equal(8, final.GetProperty("Cycles").GetInt64());
        var errors = HostProcess.ReadLog(host.ErrorLog).Select(e => e.GetProperty("message").GetString()!).ToList();
        var line = Assert.Single(errors.Where(e => e.Contains("momentum", StringComparison.Ordinal) && e.Contains("market image", StringComparison.Ordinal)).Take(1));
        Assert.Contains(Path.Combine(folder, "market", "image-1.bin"), line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }

    public void Dispose() => _dir.Dispose();

    private async Task<List<(string Date, string Symbol, double Signal, string Contributions)>> RunAsync(string isolation)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir.Path, isolation)).FullName;
        var (exitCode, host) = await HostProcess.RunAsync(folder, "run", "--config", WriteConfig(isolation), "--cycles", Cycles.ToString(System.Globalization.CultureInfo.InvariantCulture));
        host.Dispose();
        Assert.Equal(0, exitCode);
        return Directory.GetFiles(Path.Combine(folder, "runtime", "signals"), "signals_*.jsonl").Order()
            .SelectMany(HostProcess.ReadLog)
            .Select(l => (l.GetProperty("market_date").GetString()!, l.GetProperty("symbol").GetString()!, l.GetProperty("signal").GetDouble(), Contributions(l)))
            .OrderBy(r => r.Item1, StringComparer.Ordinal).ThenBy(r => r.Item2, StringComparer.Ordinal)
            .ToList();
    }

    private static string Contributions(JsonElement line) =>
        string.Concat(line.GetProperty("contributions").EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value.GetRawText()},"));

    /// <summary>The three shipped rule families on a 40-symbol sample market; 300 days kept (the image's first slots hold 450).</summary>
    private string WriteConfig(string isolation)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir.Path, isolation)).FullName;
        var path = Path.Combine(folder, "golden.yaml");
        File.WriteAllText(path, $$"""
            host:
              cycle_interval: 10ms
              heartbeat_interval: 1s
              family_timeout: 60s
              init_timeout: 120s
              family_isolation: {{isolation}}
              plugins_dir: {{TestPaths.ShippedPlugins}}
              http: {enabled: false}
            market:
              warmup_days: 300
              max_history_days: 300
              sample: {symbols: 40}
            families:
              momentum: {weight: 0.4}
              reversal: {weight: 0.3}
              regime: {weight: 0.3}
            """);
        return path;
    }
}
