using System.Globalization;
using System.Text.Json;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary><c>run --from</c> starts the replay at a date; <c>market.catch_up: fast</c> replays held history without pause.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class CatchUpDaemonTests : IDisposable
{
    private const int Sigterm = 15;
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Run_FromASaturdayOnTheSampleMarket_FirstCycleProcessesTheMondayAfter()
    {
        var config = _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: false, cycleInterval: "10ms", heartbeat: "1s"));

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "run", "--config", config, "--cycles", "1", "--from", "2016-06-04");
        using var _ = host;

        Assert.True(exit == 0, $"exit {exit}\n{host.Stderr}");
        Assert.Equal("2016-06-06", MarketDate(host));
        Assert.Contains(HostProcess.ReadLog(host.LiveLog), l => Message(l).StartsWith("Warm-up done:", StringComparison.Ordinal) && Message(l).Contains("2016-06-03"));
    }

    [Fact]
    public async Task Run_FromADayOfABarFolder_FirstCycleProcessesThatDay()
    {
        var data = new BarFolderWriter(_dir.File("bars"), symbols: 4);
        data.Append(60);
        var dates = BenchmarkDates(data.Folder);
        var config = _dir.Write("golden.yaml", BarsConfig(data.Folder, "10ms", warmupDays: 10, catchUp: "paced"));

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "run", "--config", config, "--cycles", "1", "--from", dates[30]);
        using var _ = host;

        Assert.True(exit == 0, $"exit {exit}\n{host.Stderr}");
        Assert.Equal(dates[30], MarketDate(host));
    }

    [Theory]
    [InlineData("2016-13-01", "--from '2016-13-01' is not a date (yyyy-MM-dd)")]
    [InlineData("2015-03-02", "the earliest --from is")]
    public async Task Run_FromNotADateOrWithinTheWarmUp_ExitsTwoWithOneLine(string from, string expected)
    {
        var config = _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: false, cycleInterval: "10ms", heartbeat: "1s"));

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "run", "--config", config, "--cycles", "1", "--from", from);
        using var _ = host;

        Assert.True(exit == 2, $"exit {exit}\n{host.Stderr}");
        var line = Assert.Single(host.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
    }

    [Fact]
    public async Task Run_FromAfterTheBarFoldersLastDay_ExitsTwoNamingTheLastDay()
    {
        var data = new BarFolderWriter(_dir.File("bars"), symbols: 4);
        data.Append(40);
        var last = BenchmarkDates(data.Folder)[^1];
        var config = _dir.Write("golden.yaml", BarsConfig(data.Folder, "10ms", warmupDays: 10, catchUp: "paced"));

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "run", "--config", config, "--cycles", "1", "--from", "2030-01-02");
        using var _ = host;

        Assert.True(exit == 2, $"exit {exit}\n{host.Stderr}");
        var line = Assert.Single(host.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"--from 2030-01-02 is after the last trading day {last}", line);
    }

    /// <summary>
    /// With a one-hour cycle interval a paced replay of 110 days would take 110 hours; a fast one replays them, finds the
    /// feed caught up in the next pass, says so, and stops after the passes asked for.
    /// </summary>
    [Fact]
    public async Task Run_FastCatchUpOnABarFolder_ReplaysTheHistoryWithoutTheIntervalAndLogsCaughtUp()
    {
        // The folder ends near today, so that reaching its end is caught up (waiting), not overdue.
        var last = Weekdays.From(Weekdays.From(DateOnly.FromDateTime(DateTime.UtcNow), -1), -2);
        var data = new BarFolderWriter(_dir.File("bars"), symbols: 4, firstDay: Weekdays.From(last, -119));
        data.Append(120);
        var dates = BenchmarkDates(data.Folder);
        var config = _dir.Write("golden.yaml", BarsConfig(data.Folder, "1h", warmupDays: 10, catchUp: "fast").Replace("max_data_delay: 30h", "max_data_delay: 240h"));

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "run", "--config", config, "--cycles", "111");
        using var _ = host;

        Assert.True(exit == 0, $"exit {exit}\n{host.Stderr}");
        Assert.Equal(dates[^1], MarketDate(host));
        var log = HostProcess.ReadLog(host.LiveLog);
        Assert.Contains(log, l => Message(l).StartsWith($"Fast catch-up done: replayed the feed's history up to {dates[^1]} (110 cycles)", StringComparison.Ordinal));
        Assert.Contains(log, l => Message(l).StartsWith($"Caught up with the feed at {dates[^1]}", StringComparison.Ordinal));
    }

    /// <summary>
    /// The real folder's 19 years replayed fast: the heartbeat keeps its timer meanwhile, and SIGTERM stops the replay
    /// at once with exit 0 (the loop yields between days).
    /// </summary>
    [SharedDataFact]
    public async Task Run_FastCatchUpOnTheRealFolder_HeartbeatKeepsItsTimerAndSigtermStopsTheReplay()
    {
        var config = _dir.Write("golden.yaml", BarsConfig(TestPaths.SharedData!, "1h", warmupDays: 300, catchUp: "fast").Replace("heartbeat_interval: 1s", "heartbeat_interval: 200ms"));

        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(lines => lines.Count(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("data=REPLAYING")) >= 3);
        host.SendSignal(Sigterm);
        var exit = await host.WaitForExitAsync();

        Assert.True(exit == 0, $"exit {exit}\n{host.Stderr}");
        var log = HostProcess.ReadLog(host.LiveLog);
        Assert.DoesNotContain(log, l => Message(l).StartsWith("Fast catch-up done", StringComparison.Ordinal));
    }

    public void Dispose() => _dir.Dispose();

    private static string BarsConfig(string folder, string cycleInterval, int warmupDays, string catchUp) =>
        TestConfigs.Golden(mlEnabled: false, cycleInterval: cycleInterval, heartbeat: "1s")
            .Replace("source: sample", "source: bars").Replace("data_dir: \"\"", $"data_dir: {folder}")
            .Replace("warmup_days: 300", $"warmup_days: {warmupDays}").Replace("catch_up: paced", $"catch_up: {catchUp}");

    private static string[] BenchmarkDates(string folder) =>
        File.ReadAllLines(Path.Combine(folder, "benchmark_SPY.csv")).Skip(1).Select(l => l.Split(',')[0]).ToArray();

    private static string MarketDate(HostProcess host)
    {
        using var latest = JsonDocument.Parse(File.ReadAllText(host.LatestSignals));
        return latest.RootElement.GetProperty("market_date").GetString()!;
    }

    private static string Message(JsonElement line) => line.GetProperty("message").GetString()!;
}
