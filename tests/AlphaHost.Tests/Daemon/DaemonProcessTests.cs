using System.Net.Sockets;
using System.Text.Json;
using AlphaHost.Host.Market.Calendars;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>The built daemon as operators run it: a real process, real signals, real files.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class DaemonProcessTests : IDisposable
{
    private const int Sigterm = 15;
    private const int Sigint = 2;
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData(Sigterm)]
    [InlineData(Sigint)]
    public async Task Run_StopSignal_FinishesTheCycleWritesFinalHeartbeatFlushesLogsAndExitsZero(int signal)
    {
        var config = WriteConfig(cycleInterval: "50ms", heartbeat: "200ms");
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(lines => lines.Count(l => HostProcess.IsHeartbeat(l) && l.GetProperty("Cycles").GetInt64() > 0) >= 2);

        host.SendSignal(signal);
        var exitCode = await host.WaitForExitAsync();

        Assert.Equal(0, exitCode);
        var lines = HostProcess.ReadLog(host.LiveLog);
        var last = lines[^1];
        Assert.True(HostProcess.IsHeartbeat(last), $"last line is not the final heartbeat: {last}");
        Assert.True(last.GetProperty("final").GetBoolean());
        Assert.Matches(@"^\[HEARTBEAT\] uptime=\d+s \| symbols=\d+ \| cycles=\d+ \| state=OK \| ml_state=DISABLED_CONFIG \| model_errors=0 \|", last.GetProperty("message").GetString());
        Assert.Contains("[HEARTBEAT] uptime=", host.Stdout.Split('\n').Last(l => l.Length > 0));
        Assert.True(File.Exists(host.LatestSignals));
        Assert.Empty(host.Stderr);
    }

    [Fact]
    public async Task Run_WithCycles_StopsAfterThemAndExitsZero()
    {
        var config = WriteConfig(cycleInterval: "0ms", heartbeat: "10m");

        var (exitCode, host) = await HostProcess.RunAsync(_dir.Path, "run", "--config", config, "--cycles", "7");
        using var _ = host;

        Assert.Equal(0, exitCode);
        using var latest = JsonDocument.Parse(File.ReadAllText(host.LatestSignals));
        Assert.Equal(7, latest.RootElement.GetProperty("cycle").GetInt64());
        var final = HostProcess.ReadLog(host.LiveLog).Last(HostProcess.IsHeartbeat);
        Assert.Contains("| cycles=7 |", final.GetProperty("message").GetString());
        Assert.Contains("families=ml_alpha:DISABLED_CONFIG,momentum:OK,regime:OK,reversal:OK", final.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Run_UnderSystemd_ReportsReadyAndPingsTheWatchdogOnceAfterStartAndOnceAfterEveryPass()
    {
        // Microsoft.Extensions.Hosting.Systemd takes a parent process named "systemd" as the service manager: a shell
        // started through a link of that name stands in for it, and NOTIFY_SOCKET is a socket this test reads.
        var notify = _dir.File("notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(notify));
        var manager = _dir.File("systemd");
        File.CreateSymbolicLink(manager, "/bin/sh");
        var config = WriteConfig(cycleInterval: "20ms", heartbeat: "10m");
        var start = new System.Diagnostics.ProcessStartInfo(manager) { WorkingDirectory = _dir.Path, RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment["NOTIFY_SOCKET"] = notify;
        foreach (var arg in new[] { "-c", "dotnet \"$0\" \"$@\"; exit $?", TestPaths.HostDll, "run", "--config", config, "--cycles", "5" })
        {
            start.ArgumentList.Add(arg);
        }

        using var service = System.Diagnostics.Process.Start(start)!;
        var output = service.StandardOutput.ReadToEndAsync();
        await service.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var messages = new List<string>();
        var buffer = new byte[4096];
        while (socket.Available > 0)
        {
            messages.Add(System.Text.Encoding.UTF8.GetString(buffer, 0, socket.Receive(buffer)));
        }

        Assert.True(service.ExitCode == 0, await output);
        Assert.Equal("READY=1", messages[0]);
        Assert.Equal("STOPPING=1", messages[^1]);
        Assert.Equal(1 + 5, messages.Count(m => m == "WATCHDOG=1"));
    }

    [Theory]
    [InlineData("host:\n  cycle_interval: soon\n", "golden.yaml:2: host.cycle_interval: expected a duration")]
    [InlineData("families: [\n", "golden.yaml:")]
    [InlineData("market:\n  source: bars\n  data_dir: /nonexistent/bars\n", "/nonexistent/bars: bar folder not found")]
    public async Task Run_BadInput_ExitsTwoWithOneLineNamingTheProblem(string yaml, string expected)
    {
        var config = _dir.Write("golden.yaml", yaml);

        var (exitCode, host) = await HostProcess.RunAsync(_dir.Path, "run", "--config", config, "--cycles", "1");
        using var _ = host;

        Assert.Equal(2, exitCode);
        var error = Assert.Single(host.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", error);
        Assert.Contains(expected, error);
        Assert.DoesNotContain("   at ", host.Stderr + host.Stdout);
    }

    [Fact]
    public async Task Run_ConfigNestedFiftyThousandDeepOnOneLine_ExitsTwoWithOneLineNamingFileAndLine()
    {
        var config = _dir.Write("golden.yaml", DeeplyNested);

        var (exitCode, host) = await HostProcess.RunAsync(_dir.Path, "run", "--config", config, "--cycles", "1");
        using var _ = host;

        Assert.Equal(2, exitCode);
        var error = Assert.Single(host.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: {config}:6: (syntax): lists or sections nested more than 64 deep", error);
    }

    [Fact]
    public async Task Run_UnknownOption_ExitsTwo()
    {
        var (exitCode, host) = await HostProcess.RunAsync(_dir.Path, "run", "--cycels", "3");
        using var _ = host;

        Assert.Equal(2, exitCode);
        Assert.Contains("--cycels", host.Stderr);
    }

    [Fact]
    public async Task Run_FaultyPlugins_OtherFamiliesKeepSignallingAndTheDaemonRunsOn()
    {
        var plugins = _dir.File("plugins");
        TempDir.CopyDirectory(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), Path.Combine(plugins, "Momentum"));
        TempDir.CopyDirectory(Path.Combine(TestPaths.FixturePlugins, "Faulty"), Path.Combine(plugins, "Faulty"));
        _dir.Write("plugins/Garbage/Garbage.dll", "not an assembly");
        var config = _dir.Write("golden.yaml", $"""
            host:
              cycle_interval: 10ms
              heartbeat_interval: 100ms
              family_timeout: 100ms
              quarantine_after: 3
              plugins_dir: {plugins}
            market:
              warmup_days: 300
            families:
              momentum: {"{weight: 0.5, timeout: 60s}"}
              throwing: {"{weight: 0.5, timeout: 60s}"}
              hanging: {"{weight: 0.5}"}
              garbage_values: {"{weight: 0.5, timeout: 60s}"}
            """);

        var (exitCode, host) = await HostProcess.RunAsync(_dir.Path, "run", "--config", config, "--cycles", "12");
        using var _ = host;

        Assert.Equal(0, exitCode);
        using var latest = JsonDocument.Parse(File.ReadAllText(host.LatestSignals));
        var contributions = latest.RootElement.GetProperty("signals").EnumerateObject().Select(s => s.Value.GetProperty("contributions")).ToList();
        Assert.Contains(contributions, c => c.GetProperty("momentum").GetDouble() != 0.0);
        Assert.All(contributions, c => Assert.Equal(0.0, c.GetProperty("throwing").GetDouble()));
        Assert.All(contributions, c => Assert.Equal(0.0, c.GetProperty("hanging").GetDouble()));
        Assert.All(latest.RootElement.GetProperty("signals").EnumerateObject(), s => Assert.InRange(s.Value.GetProperty("signal").GetDouble(), -1.0, 1.0));

        var errors = HostProcess.ReadLog(host.ErrorLog).Select(e => e.GetProperty("message").GetString()!).ToList();
        Assert.Contains(errors, m => m.StartsWith("Plugin Garbage skipped: not a valid .NET assembly"));
        Assert.Contains(errors, m => m.Contains("Family throwing failed") && m.Contains("InvalidOperationException"));
        Assert.Contains(errors, m => m.Contains("Family hanging failed") && m.Contains("100 ms budget"));
        Assert.Contains(errors, m => m.StartsWith("Family throwing quarantined after 3 consecutive failures"));
        var live = HostProcess.ReadLog(host.LiveLog);
        Assert.Contains(live, l => l.GetProperty("component").GetString() == "garbage_values" && l.GetProperty("message").GetString()!.StartsWith("Emitting garbage"));
        var final = live.Last(HostProcess.IsHeartbeat).GetProperty("message").GetString();
        Assert.Contains("state=DEGRADED", final);
        Assert.Contains("throwing:QUARANTINED", final);
        Assert.Contains("momentum:OK", final);
    }

    [Fact]
    public async Task Run_FamilyAllocatingWithoutBound_RunsOutOfMemoryAloneAndIsQuarantinedAtOnce()
    {
        var plugins = _dir.File("plugins");
        TempDir.CopyDirectory(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), Path.Combine(plugins, "Momentum"));
        TempDir.CopyDirectory(Path.Combine(TestPaths.FixturePlugins, "Faulty"), Path.Combine(plugins, "Faulty"));
        var config = _dir.Write("golden.yaml", $$"""
            host:
              cycle_interval: 10ms
              heartbeat_interval: 100ms
              quarantine_after: 5
              plugins_dir: {{plugins}}
            market:
              warmup_days: 300
            families:
              momentum: {weight: 0.5, timeout: 60s}
              hungry: {weight: 0.5, timeout: 60s}
            """);

        using var host = HostProcess.Start(_dir.Path, new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x30000000" },
            "run", "--config", config, "--cycles", "6");
        var exitCode = await host.WaitForExitAsync();

        Assert.Equal(0, exitCode);
        var errors = HostProcess.ReadLog(host.ErrorLog).Select(e => e.GetProperty("message").GetString()!).ToList();
        Assert.Single(errors, m => m.Contains("Family hungry failed") && m.Contains("OutOfMemoryException"));
        Assert.Contains(errors, m => m.StartsWith("Family hungry quarantined"));
        using var latest = JsonDocument.Parse(File.ReadAllText(host.LatestSignals));
        var contributions = latest.RootElement.GetProperty("signals").EnumerateObject().Select(s => s.Value.GetProperty("contributions")).ToList();
        Assert.Contains(contributions, c => c.GetProperty("momentum").GetDouble() != 0.0);
        var live = HostProcess.ReadLog(host.LiveLog);
        var final = live.Last(HostProcess.IsHeartbeat).GetProperty("message").GetString();
        Assert.Contains("cycles=6", final);
        Assert.Contains("hungry:QUARANTINED", final);
        Assert.Contains("momentum:OK", final);
    }

    [Fact]
    public async Task Run_ConfigSavedWhileRunning_TakesEffectWithoutRestartAndBadEditsAreRejected()
    {
        var config = WriteConfig(cycleInterval: "20ms", heartbeat: "100ms");
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(lines => lines.Any(HostProcess.IsHeartbeat));

        await Sed(config, "s/use_regime_detection: true/use_regime_detection: false/");
        await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && l.GetProperty("message").GetString()!.Contains("regime:DISABLED_CONFIG")));
        using (var latest = JsonDocument.Parse(await File.ReadAllTextAsync(host.LatestSignals)))
        {
            Assert.All(latest.RootElement.GetProperty("signals").EnumerateObject(), s => Assert.Equal(0.0, s.Value.GetProperty("contributions").GetProperty("regime").GetDouble()));
        }

        await File.AppendAllTextAsync(config, "  weight: [broken\n");
        var errors = await host.WaitForLogAsync(lines => lines.Any(l => l.GetProperty("message").GetString()!.StartsWith("Configuration change rejected")), host.ErrorLog);
        await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && l.GetProperty("message").GetString()!.Contains("config_rejected")));

        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.Contains("golden.yaml", errors.First(l => l.GetProperty("message").GetString()!.StartsWith("Configuration change rejected")).GetProperty("message").GetString());
        var final = HostProcess.ReadLog(host.LiveLog).Last(HostProcess.IsHeartbeat).GetProperty("message").GetString();
        Assert.Contains("regime:DISABLED_CONFIG", final);
        Assert.Contains("momentum:OK", final);
    }

    [Fact]
    public async Task Run_ConfigNestedFiftyThousandDeepSavedWhileRunning_IsRejectedAndTheDaemonRunsOnTheLastGoodConfig()
    {
        var config = WriteConfig(cycleInterval: "20ms", heartbeat: "100ms");
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(lines => lines.Any(HostProcess.IsHeartbeat));

        File.WriteAllText(config, DeeplyNested);
        var errors = await host.WaitForLogAsync(lines => lines.Any(l => Message(l).StartsWith("Configuration change rejected")), host.ErrorLog);
        var cycle = LatestCycle(host);
        await Poll.UntilAsync(() => LatestCycle(host) > cycle + 3);

        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.Contains($"{config}:6: (syntax): lists or sections nested more than 64 deep", Message(errors.First(l => Message(l).StartsWith("Configuration change rejected"))));
        var final = Message(HostProcess.ReadLog(host.LiveLog).Last(HostProcess.IsHeartbeat));
        Assert.Contains("config_rejected", final);
        Assert.Contains("momentum:OK", final);
    }

    [Fact]
    public async Task Run_RapidValidAndInvalidEditsWhileRunning_TheLastGoodVersionStaysInForce()
    {
        var config = WriteConfig(cycleInterval: "20ms", heartbeat: "100ms");
        var good = File.ReadAllText(config);
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(lines => lines.Any(HostProcess.IsHeartbeat));

        for (var i = 0; i < 20; i++)
        {
            File.WriteAllText(config, good.Replace("weight: 0.3\n", $"weight: 0.3{i % 10}\n"));
            await Task.Delay(5);
        }

        var lastGood = good.Replace("use_regime_detection: true", "use_regime_detection: false") + "  nosuchfamily:\n    enabled: true\n";
        File.WriteAllText(config, lastGood);
        await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("regime:DISABLED_CONFIG")));
        foreach (var broken in new[] { "host: [", "families:\n  momentum:\n    weight: heavy\n", "" })
        {
            File.WriteAllText(config, broken);
            await Task.Delay(30);
        }

        await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("config_rejected")));
        var cycle = LatestCycle(host);
        await Poll.UntilAsync(() => LatestCycle(host) > cycle + 3);

        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());
        var live = HostProcess.ReadLog(host.LiveLog);
        Assert.Contains(live, l => Message(l).StartsWith("Configuration: families.nosuchfamily names no loaded family"));
        var final = Message(live.Last(HostProcess.IsHeartbeat));
        Assert.Contains("regime:DISABLED_CONFIG", final);
        Assert.Contains("momentum:OK", final);
        Assert.Contains("config_rejected", final);
        using var latest = JsonDocument.Parse(File.ReadAllText(host.LatestSignals));
        Assert.All(latest.RootElement.GetProperty("signals").EnumerateObject(), s => Assert.Equal(0.0, s.Value.GetProperty("contributions").GetProperty("regime").GetDouble()));
    }

    [Fact]
    public async Task Run_LogsFolderUnwritable_SignalsGoOnFaultIsReportedAndFileLoggingResumesWithHeldEvents()
    {
        var config = WriteConfig(cycleInterval: "20ms", heartbeat: "100ms");
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(lines => lines.Any(HostProcess.IsHeartbeat));
        var logs = Path.Combine(_dir.Path, "runtime", "logs");

        Directory.Move(logs, logs + ".rotated");
        File.WriteAllText(logs, "not a folder");
        await Poll.UntilAsync(() => host.Stdout.Contains("/runtime/logs/live.jsonl: ") && host.Stdout.Contains("logs=FAULT(live.jsonl"));
        var cycleDuringFault = LatestCycle(host);
        await Poll.UntilAsync(() => LatestCycle(host) > cycleDuringFault + 5);
        File.Delete(logs);
        await host.WaitForLogAsync(lines => lines.Any(l => l.GetProperty("message").GetString()!.StartsWith("File logging to live.jsonl resumed")));

        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());
        var resumed = HostProcess.ReadLog(host.LiveLog);
        Assert.Contains(resumed, l => HostProcess.IsHeartbeat(l) && l.GetProperty("message").GetString()!.Contains("state=DEGRADED") && l.GetProperty("message").GetString()!.Contains("reasons=log_fault:live.jsonl"));
        var final = resumed.Last(HostProcess.IsHeartbeat).GetProperty("message").GetString()!;
        Assert.Contains("logs=ok", final);
        Assert.Contains("state=OK", final);
        Assert.Contains(resumed, l => l.GetProperty("message").GetString()!.StartsWith("File logging to live.jsonl resumed") && l.GetProperty("message").GetString()!.EndsWith("0 dropped"));
    }

    [Fact]
    public async Task Run_MarketDataStopsAndReturns_HaltsWithoutSignalsThenRecoversByItselfAndReportsBadRows()
    {
        // The sample market's dates are in 2015-2016: once the replay has run out the next day is long overdue.
        var data = new BarFolderWriter(_dir.File("bars"), symbols: 30);
        data.Append(310);
        var config = WriteConfig(cycleInterval: "20ms", heartbeat: "100ms");
        File.WriteAllText(config, File.ReadAllText(config)
            .Replace("source: sample", "source: bars").Replace("data_dir: \"\"", $"data_dir: {data.Folder}").Replace("warmup_days: 300", "warmup_days: 290"));
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);

        await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("state=HALTED") && Message(l).Contains("reasons=data_overdue | data=OVERDUE")));
        var lastWhileHalted = LatestCycle(host);
        await Task.Delay(500);
        Assert.Equal(lastWhileHalted, LatestCycle(host));
        var victim = data.Universe[0].Symbol;
        data.Append(5, (symbol, row) => symbol == victim ? row.Replace(row.Split(',')[4], "NaN") : row);
        await host.WaitForLogAsync(lines => lines.Any(l => Message(l).StartsWith("Market data recovered")));
        var lastDay = File.ReadLines(Path.Combine(data.Folder, "benchmark_SPY.csv")).Last()[..10];
        await Poll.UntilAsync(() => LatestDate(host) == lastDay);
        // The second outage starts with the first pass after the last appended day: wait for its warning, then for a
        // few more heartbeats (each ~5 passes) so a repeated warning would show.
        var seen = await host.WaitForLogAsync(lines => lines.Count(l => Message(l).StartsWith("Market data overdue")) >= 2);
        var heartbeats = seen.Count(HostProcess.IsHeartbeat);
        await host.WaitForLogAsync(lines => lines.Count(HostProcess.IsHeartbeat) >= heartbeats + 3);

        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());
        var live = HostProcess.ReadLog(host.LiveLog);

        // Warned once per outage: when the 310 days ran out and again after the 5 appended ones, not every pass.
        Assert.Equal(2, live.Count(l => Message(l).StartsWith("Market data overdue")));
        Assert.Equal(1, live.Count(l => Message(l).StartsWith("Market data recovered")));
        Assert.Contains(live, l => Message(l).StartsWith($"Market data {victim}: ") && Message(l).Contains("in newly arrived data") && Message(l).Contains("must be finite"));
        Assert.Contains(live, l => Message(l).StartsWith("Market data recovered") && Message(l).Contains("overdue") && l.GetProperty("level").GetString() == "WARNING");
        var final = Message(live.Last(HostProcess.IsHeartbeat));
        Assert.Contains($"date={lastDay}", final);
        Assert.Contains("| cycles=25 |", final);
        using var latest = JsonDocument.Parse(File.ReadAllText(host.LatestSignals));
        Assert.False(latest.RootElement.GetProperty("signals").TryGetProperty(victim, out _), "no signal from a symbol whose bar was rejected");
    }

    [Fact]
    public async Task Run_FollowedFolderNearToday_WaitsAsOkThenGoesOverdueAndRecoversWithInfoForTheNormalWait()
    {
        // 310 days ending two sessions before the last XNYS session that has closed (the daemon's calendar): each day
        // after is due already, so with a long max_data_delay it is waiting, and with 1s it is overdue; once the last
        // closed session arrives, the next one is not due yet, so it waits as OK whatever the time of day.
        var lastClosed = await LastClosedSessionAfterTwoWeekdaySessionsAsync();
        var data = new BarFolderWriter(_dir.File("bars"), symbols: 30, firstDay: Weekdays.From(lastClosed, -2 - 309));
        data.Append(310);
        var config = WriteConfig(cycleInterval: "20ms", heartbeat: "100ms");
        File.WriteAllText(config, File.ReadAllText(config)
            .Replace("source: sample", "source: bars").Replace("data_dir: \"\"", $"data_dir: {data.Folder}").Replace("warmup_days: 300", "warmup_days: 290")
            .Replace("max_data_delay: 30h", "max_data_delay: 240h"));
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);

        var waiting = await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("data=WAITING")));
        var first = Message(waiting.First(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("data=WAITING")));
        Assert.Contains("| cycles=20 | state=OK | ml_state=DISABLED_CONFIG |", first);
        Assert.Contains("families=ml_alpha:DISABLED_CONFIG,momentum:OK,regime:OK,reversal:OK", first);
        Assert.Contains("reasons=none", first);
        // A config change shows while waiting, without a new day.
        await Sed(config, "s/use_regime_detection: true/use_regime_detection: false/");
        await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("| cycles=20 |") && Message(l).Contains("regime:DISABLED_CONFIG") && Message(l).Contains("data=WAITING")));

        data.Append(1);
        await host.WaitForLogAsync(lines => lines.Any(l => Message(l).StartsWith("Market data: ") && Message(l).Contains("arrived after waiting")));
        await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("| cycles=21 |") && Message(l).Contains("data=WAITING")));

        await Sed(config, "s/max_data_delay: 240h/max_data_delay: 1s/");
        var overdue = await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("state=HALTED") && Message(l).Contains("data=OVERDUE")));
        Assert.Contains("reasons=data_overdue", Message(overdue.Last(HostProcess.IsHeartbeat)));
        Assert.Contains("| overdue_since=", Message(overdue.Last(HostProcess.IsHeartbeat)));

        data.Append(1);
        await host.WaitForLogAsync(lines => lines.Any(l => Message(l).StartsWith("Market data recovered")));
        var recovered = await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("| cycles=22 |") && Message(l).Contains("state=OK") && Message(l).Contains("data=WAITING")));
        var heartbeats = recovered.Count(HostProcess.IsHeartbeat);
        await host.WaitForLogAsync(lines => lines.Count(HostProcess.IsHeartbeat) >= heartbeats + 3);

        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());
        var live = HostProcess.ReadLog(host.LiveLog);
        var warnings = live.Where(l => l.GetProperty("level").GetString() == "WARNING" && Message(l).StartsWith("Market data")).Select(Message).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("Market data overdue", warnings[0]);
        Assert.StartsWith("Market data recovered", warnings[1]);
        Assert.Equal(3, live.Count(l => Message(l).StartsWith("Caught up with the feed") && l.GetProperty("level").GetString() == "INFO"));
        Assert.Contains("| cycles=22 |", Message(live.Last(HostProcess.IsHeartbeat)));
    }

    /// <summary>
    /// The last XNYS session that has closed and whose two previous weekdays are sessions too (the bar writer steps by
    /// weekday); when the next session closes within three minutes, waits for that close first, so the test never
    /// straddles one.
    /// </summary>
    private static async Task<DateOnly> LastClosedSessionAfterTwoWeekdaySessionsAsync()
    {
        var calendar = NyseCalendar.Instance;
        var now = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var next = calendar.IsSession(today) && calendar.Close(today) > now ? today : calendar.NextSession(today);
        if (calendar.Close(next) - now < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(calendar.Close(next) - now + TimeSpan.FromSeconds(2));
            now = DateTimeOffset.UtcNow;
        }

        var day = calendar.SessionOnOrBefore(today);
        while (calendar.Close(day) > now || !calendar.IsSession(Weekdays.From(day, -1)) || !calendar.IsSession(Weekdays.From(day, -2)))
        {
            day = calendar.SessionOnOrBefore(day.AddDays(-1));
        }

        return day;
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("deleted")]
    public async Task Run_PluginDamagedWhileRunning_KeepsTheLastGoodVersionSignalling(string damage)
    {
        var plugins = _dir.File("plugins");
        TempDir.CopyDirectory(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), Path.Combine(plugins, "Momentum"));
        TempDir.CopyDirectory(Path.Combine(TestPaths.FixturePlugins, "SwapV1"), Path.Combine(plugins, "Swap"));
        var config = _dir.Write("golden.yaml", $$"""
            host:
              cycle_interval: 20ms
              heartbeat_interval: 100ms
              plugins_dir: {{plugins}}
            families:
              momentum: {weight: 0.5, timeout: 60s}
              swap: {weight: 0.5, timeout: 60s}
            """);
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("swap:OK")));

        var dll = Path.Combine(plugins, "Swap", "AlphaHost.TestPlugins.SwapV1.dll");
        PluginDamage.Apply(damage, dll);

        var expected = damage == "deleted" ? "Plugin Swap: files were deleted; the loaded version keeps running" : "Plugin Swap reload failed, the last good version keeps running";
        await host.WaitForLogAsync(lines => lines.Any(l => Message(l).StartsWith(expected)), host.ErrorLog);
        var cycle = LatestCycle(host);
        await Poll.UntilAsync(() => LatestCycle(host) > cycle + 3);

        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());
        using var latest = JsonDocument.Parse(File.ReadAllText(host.LatestSignals));
        Assert.All(latest.RootElement.GetProperty("signals").EnumerateObject(), s => Assert.Equal(0.5 * 0.1, s.Value.GetProperty("contributions").GetProperty("swap").GetDouble(), 9));
        Assert.Contains("swap:OK", Message(HostProcess.ReadLog(host.LiveLog).Last(HostProcess.IsHeartbeat)));
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>A block list nested 50,000 deep on one 100 KB line, well under the 1 MiB size limit.</summary>
    private static string DeeplyNested { get; } =
        "host:\n  cycle_interval: 1s\nfamilies:\n  momentum:\n    weight:\n      " + string.Concat(Enumerable.Repeat("- ", 50_000)) + "x\n";

    private static string Message(JsonElement line) => line.GetProperty("message").GetString()!;

    private static string? LatestDate(HostProcess host)
    {
        try
        {
            using var latest = JsonDocument.Parse(File.ReadAllText(host.LatestSignals));
            return latest.RootElement.GetProperty("market_date").GetString();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static long LatestCycle(HostProcess host)
    {
        try
        {
            using var latest = JsonDocument.Parse(File.ReadAllText(host.LatestSignals));
            return latest.RootElement.GetProperty("cycle").GetInt64();
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary><paramref name="date"/> moved by <paramref name="count"/> weekdays (back when negative).</summary>

    private string WriteConfig(string cycleInterval, string heartbeat) =>
        _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: false, cycleInterval, heartbeat));

    private static async Task Sed(string path, string expression)
    {
        using var sed = System.Diagnostics.Process.Start("sed", ["-i", expression, path]);
        await sed.WaitForExitAsync();
        Assert.Equal(0, sed.ExitCode);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "processes";
}
