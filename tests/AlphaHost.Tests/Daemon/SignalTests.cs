using System.Text.Json;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>What the daemon does with the signals an operator or a supervisor sends it.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class SignalTests : IDisposable
{
    private const int Sighup = 1;
    private const int Sigusr1 = 10;
    private const int Sigusr2 = 12;
    private const int Sigterm = 15;
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Sighup_BetweenHourLongCycles_RereadsTheConfigAtOnceLogsItAndKeepsRunning()
    {
        // An hour between cycles: only the signal can make the daemon read the file before the test ends.
        var config = _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: false, cycleInterval: "1h", heartbeat: "200ms"));
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && l.GetProperty("Cycles").GetInt64() == 1));

        host.SendSignal(Sighup);
        await host.WaitForLogAsync(lines => lines.Any(l => Message(l).StartsWith("SIGHUP: ", StringComparison.Ordinal) && Message(l).EndsWith("re-read, no change to apply", StringComparison.Ordinal)));
        File.WriteAllText(config, File.ReadAllText(config).Replace("    weight: 0.3\n", "    weight: 0.35\n"));
        host.SendSignal(Sighup);
        var lines = await host.WaitForLogAsync(lines => lines.Any(l => Message(l).StartsWith("Configuration reloaded from", StringComparison.Ordinal)));
        host.SendSignal(Sigterm);

        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.Equal(2, lines.Count(l => Message(l) == "SIGHUP received: re-reading the configuration"));
        Assert.EndsWith("weight=0.35", Message(lines.Single(l => Message(l).StartsWith("Configuration reloaded from", StringComparison.Ordinal))));
        var last = HostProcess.ReadLog(host.LiveLog)[^1];
        Assert.True(HostProcess.IsHeartbeat(last) && last.GetProperty("final").GetBoolean(), $"last line is not the final heartbeat: {last}");
        Assert.Equal(1, last.GetProperty("Cycles").GetInt64());
    }

    [Fact]
    public async Task StartedUnderNohupInABackgroundShell_SighupStillRereadsTheConfig_AndIgnoredSigintIsAWarning()
    {
        // nohup ignores SIGHUP and a non-interactive shell's background ignores SIGINT and SIGQUIT; the child inherits both.
        var config = _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: false, cycleInterval: "1h", heartbeat: "200ms"));
        using var host = HostProcess.StartThroughShell(_dir.Path, "trap '' INT QUIT; exec nohup", "run", "--config", config);
        await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && l.GetProperty("Cycles").GetInt64() == 1));

        host.SendSignal(Sighup);
        var lines = await host.WaitForLogAsync(lines => lines.Any(l => Message(l).StartsWith("SIGHUP: ", StringComparison.Ordinal)));
        host.SendSignal(Sigterm);

        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.Contains(lines, l => Message(l) == "SIGHUP received: re-reading the configuration");
        var warnings = lines.Where(l => l.GetProperty("level").GetString() == "WARNING").Select(Message).ToList();
        Assert.Contains(warnings, m => m.StartsWith("SIGINT arrives ignored", StringComparison.Ordinal) && m.Contains("only SIGTERM stops the daemon", StringComparison.Ordinal));
        Assert.DoesNotContain(warnings, m => m.StartsWith("SIGHUP arrives ignored", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Sigusr1, "SIGUSR1")]
    [InlineData(Sigusr2, "SIGUSR2")]
    public async Task StraySignal_IsLoggedAndIgnoredAndTheDaemonRunsOn(int signal, string name)
    {
        var config = _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: false, cycleInterval: "50ms", heartbeat: "200ms"));
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && l.GetProperty("Cycles").GetInt64() > 0));

        host.SendSignal(signal);
        await host.WaitForLogAsync(lines => lines.Any(l => Message(l).StartsWith($"{name} received and ignored", StringComparison.Ordinal)));
        var cycle = LatestCycle(host);
        await Poll.UntilAsync(() => LatestCycle(host) > cycle + 2);
        host.SendSignal(Sigterm);

        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.True(HostProcess.ReadLog(host.LiveLog)[^1].GetProperty("final").GetBoolean());
    }

    [Fact]
    public async Task Sigterm_WhileTheMarketLoads_IsLoggedAndExitsZeroWithDaemonFileStopped()
    {
        var config = _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: false, cycleInterval: "50ms", heartbeat: "200ms"));
        var daemonFile = Path.Combine(_dir.Path, "runtime", "daemon.json");
        // The daemon's own start-up with a market that is still loading when the signal comes: a real bar folder loads
        // too fast for a signal sent when daemon.json appears to be sure to land during the load.
        using var host = HostProcess.StartChild(_dir.Path, TestChild.DaemonWithMarketStillLoading, "run", "--config", config);

        // daemon.json says "starting" just before the market is read.
        await Poll.UntilAsync(() => File.Exists(daemonFile));
        host.SendSignal(Sigterm);

        Assert.Equal(0, await host.WaitForExitAsync());
        var lines = HostProcess.ReadLog(host.LiveLog);
        Assert.Equal(["SIGTERM received: stopping", "Stopped by SIGTERM during start-up, before the first cycle; nothing to flush"], lines.Select(Message));
        using var record = JsonDocument.Parse(File.ReadAllText(daemonFile));
        Assert.Equal("stopped", record.RootElement.GetProperty("status").GetString());
        Assert.Empty(host.Stderr);
    }

    public void Dispose() => _dir.Dispose();

    private static string Message(JsonElement line) => line.GetProperty("message").GetString()!;

    private static long LatestCycle(HostProcess host)
    {
        try
        {
            using var latest = JsonDocument.Parse(File.ReadAllText(host.LatestSignals));
            return latest.RootElement.GetProperty("cycle").GetInt64();
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return 0;
        }
    }
}
