using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AlphaHost.Host.Market;

namespace AlphaHost.Benchmarks;

/// <summary>
/// The soak: the built daemon (Release) runs <c>cycles</c> cycles over the 500-symbol sample market with every shipped
/// family (ML on, a model per symbol) plus the <c>chaos</c> test family, which throws, overruns, emits NaN, allocates
/// bursts and crashes its worker process (every 1,500th cycle) on a fixed cycle schedule. Meanwhile faults are injected from outside every few seconds, in rotation: an
/// invalid config edit, a burst of rapid valid edits, the chaos plugin's DLL replaced by garbage, the logs folder made
/// unwritable, and an operator <c>ml disable</c> / <c>ml enable</c>. Afterwards the signal journal is checked cycle by
/// cycle against a replay of the same market: a symbol with a valid bar that got no combined signal is a lost signal.
/// Memory and cycle-time figures come from the daemon's own heartbeats.
/// </summary>
internal static class SoakRun
{
    private static readonly TimeSpan InjectEvery = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(int cycles)
    {
        var repo = FindRepo();
        var hostDll = Path.Combine(repo, "host", "bin", "Release", "net10.0", "alphahost.dll");
        var chaosPlugin = Path.Combine(AppContext.BaseDirectory, "soakplugins", "Faulty");
        if (!File.Exists(hostDll) || !Directory.Exists(chaosPlugin))
        {
            Console.Error.WriteLine($"build first: dotnet build -c Release AlphaHost.sln ({hostDll}, {chaosPlugin})");
            return 2;
        }

        var work = Directory.CreateTempSubdirectory("alphahost-soak-").FullName;
        var plugins = Path.Combine(work, "plugins");
        foreach (var shipped in Directory.GetDirectories(Path.Combine(Path.GetDirectoryName(hostDll)!, "plugins")))
        {
            CopyDirectory(shipped, Path.Combine(plugins, Path.GetFileName(shipped)));
        }

        CopyDirectory(chaosPlugin, Path.Combine(plugins, "Chaos"));
        var models = Path.Combine(Path.GetTempPath(), "alphahost-soak-models");
        var config = Path.Combine(work, "golden.yaml");
        var goodConfig = File.ReadAllText(Path.Combine(repo, "configs", "golden_config.yaml"))
            .Replace("ml_enabled: false", "ml_enabled: true")
            .Replace("cycle_interval: 1s", "cycle_interval: 0s")
            .Replace("heartbeat_interval: 30s", "heartbeat_interval: 2s")
            .Replace("family_timeout: 500ms", "family_timeout: 100ms")
            .Replace("quarantine_after: 5", "quarantine_after: 3")
            .Replace("quarantine_backoff: 30s", "quarantine_backoff: 1s")
            .Replace("plugins_dir: \"\"", $"plugins_dir: {plugins}")
            .Replace("runtime_dir: ../runtime", "runtime_dir: runtime")
            .Replace("models_dir: ../models/ml_alpha", $"models_dir: {models}")
            .Replace("      scope: universe ", "      scope: symbol ")
            + "  chaos:\n    enabled: true\n    weight: 0.1\n    burst_mb: 64\n    crash_every: 1500\n";
        File.WriteAllText(config, goodConfig);

        if (!Directory.Exists(models))
        {
            Console.WriteLine($"training a model per sample symbol into {models} (once)...");
            var train = await RunToEndAsync(hostDll, work, "train", "--all", "--config", config);
            if (train != 0)
            {
                Console.Error.WriteLine($"train failed with exit {train}");
                return 1;
            }
        }

        Console.WriteLine($"soak: {cycles} cycles, work folder {work}");
        var started = Stopwatch.StartNew();
        using var daemon = Start(hostDll, work, "run", "--config", config, "--cycles", cycles.ToString(CultureInfo.InvariantCulture));
        var injected = await InjectUntilExitAsync(daemon, work, hostDll, config, goodConfig, Path.Combine(plugins, "Chaos", "AlphaHost.TestPlugins.Faulty.dll"));
        var exitCode = daemon.ExitCode;
        var wall = started.Elapsed;

        var report = Analyze(work, cycles, exitCode, wall, injected);
        File.WriteAllText(Path.Combine(work, "soak-report.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine(report.ToMarkdown());
        Console.WriteLine($"report: {Path.Combine(work, "soak-report.json")}");
        return report.Passed ? 0 : 1;
    }

    private static async Task<Dictionary<string, int>> InjectUntilExitAsync(Process daemon, string work, string hostDll, string config, string goodConfig, string chaosDll)
    {
        var injected = new Dictionary<string, int>(StringComparer.Ordinal);
        var goodDll = await File.ReadAllBytesAsync(chaosDll);
        var logs = Path.Combine(work, "runtime", "logs");
        var kinds = new Func<Task>[]
        {
            async () =>
            {
                await File.AppendAllTextAsync(config, "  weight: [broken\n");
                await Task.Delay(1500);
                await File.WriteAllTextAsync(config, goodConfig);
            },
            async () =>
            {
                for (var i = 0; i < 10; i++)
                {
                    await File.WriteAllTextAsync(config, goodConfig.Replace("    weight: 0.3\n", $"    weight: 0.3{i}\n"));
                    await Task.Delay(10);
                }

                await File.WriteAllTextAsync(config, goodConfig);
            },
            async () =>
            {
                await File.WriteAllTextAsync(chaosDll, "garbage, not an assembly");
                await Task.Delay(2000);
                await File.WriteAllBytesAsync(chaosDll, goodDll);
            },
            async () =>
            {
                if (Directory.Exists(logs))
                {
                    Directory.Move(logs, $"{logs}.blocked.{injected.GetValueOrDefault("logs_unwritable")}");
                    await File.WriteAllTextAsync(logs, "not a folder");
                    await Task.Delay(2000);
                    File.Delete(logs);
                }
            },
            async () =>
            {
                await RunToEndAsync(hostDll, work, "ml", "disable", "--reason", "soak drill", "--config", config);
                await Task.Delay(500);
                await RunToEndAsync(hostDll, work, "ml", "enable", "--reason", "soak drill over", "--config", config);
                goodConfig = await File.ReadAllTextAsync(config);
            },
        };
        var names = new[] { "config_invalid_edit", "config_rapid_edits", "plugin_dll_garbage", "logs_unwritable", "ml_disable_enable" };
        var next = 0;
        while (!daemon.WaitForExit(InjectEvery))
        {
            var kind = next++ % kinds.Length;
            await kinds[kind]();
            injected[names[kind]] = injected.GetValueOrDefault(names[kind]) + 1;
        }

        await daemon.WaitForExitAsync();
        return injected;
    }

    private static SoakReport Analyze(string work, int cycles, int exitCode, TimeSpan wall, Dictionary<string, int> injected)
    {
        var runtime = Path.Combine(work, "runtime");
        var logFiles = Directory.GetDirectories(runtime, "logs*").SelectMany(d => Directory.GetFiles(d, "live.jsonl")).ToArray();
        var lines = logFiles.SelectMany(ReadJsonLines).OrderBy(l => l.GetProperty("ts").GetString(), StringComparer.Ordinal).ToList();
        string Msg(JsonElement l) => l.GetProperty("message").GetString() ?? "";
        int Count(string prefix) => lines.Count(l => Msg(l).StartsWith(prefix, StringComparison.Ordinal));

        var inside = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["chaos_exception"] = lines.Count(l => Msg(l).StartsWith("chaos: injecting an exception", StringComparison.Ordinal)),
            ["chaos_overrun"] = lines.Count(l => Msg(l).StartsWith("chaos: injecting a ", StringComparison.Ordinal) && Msg(l).Contains("overrun")),
            ["chaos_non_finite"] = Count("chaos: injecting non-finite"),
            ["chaos_allocation_burst"] = lines.Count(l => Msg(l).StartsWith("chaos: injecting a ", StringComparison.Ordinal) && Msg(l).Contains("allocation burst")),
            ["chaos_worker_crash"] = Count("chaos: injecting a process crash"),
        };
        var observed = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["family_failures_logged"] = lines.Count(l => Msg(l).StartsWith("Family chaos failed", StringComparison.Ordinal)),
            ["worker_crashes_seen"] = lines.Count(l => Msg(l).StartsWith("Family chaos failed", StringComparison.Ordinal) && Msg(l).Contains("killed by SIGABRT")),
            ["non_finite_signals_dropped"] = lines.Count(l => Msg(l).StartsWith("Family chaos cycle", StringComparison.Ordinal)),
            ["config_changes_rejected"] = Count("Configuration change rejected"),
            ["plugin_reloads_refused"] = Count("Plugin Chaos reload failed"),
            ["file_logging_resumed"] = Count("File logging to live.jsonl resumed"),
        };

        var heartbeats = lines.Where(l => Msg(l).StartsWith("[HEARTBEAT]", StringComparison.Ordinal) && l.GetProperty("Cycles").GetInt64() > 0).ToList();
        // Warm-up: until the bounded history is full (warm-up days + cycles reach market.max_history_days x 2) and the first full collection after it.
        var settled = heartbeats.Where(h => h.GetProperty("Cycles").GetInt64() >= Math.Min(2500, cycles / 4)).ToList();
        var p99s = settled.Select(h => h.GetProperty("CycleP99Ms").GetDouble()).Order().ToArray();
        var p50s = settled.Select(h => h.GetProperty("CycleP50Ms").GetDouble()).Order().ToArray();
        var (lost, journaled, lastCycle) = CountLostSignals(Path.Combine(runtime, "signals"), cycles);
        // The signal journal is the record of what was processed; the last heartbeats can be missing from live.jsonl when
        // the run ends while the logs folder is made unwritable (events held in memory are not written after the exit).
        var completed = Math.Max(lastCycle, heartbeats.Count == 0 ? 0 : heartbeats.Max(h => h.GetProperty("Cycles").GetInt64()));
        return new SoakReport(
            cycles, completed, exitCode, wall.TotalSeconds, injected, inside, observed, lost, journaled,
            settled.Count == 0 ? 0 : settled[0].GetProperty("MemoryMb").GetInt64(), heartbeats.Count == 0 ? 0 : heartbeats[^1].GetProperty("MemoryMb").GetInt64(),
            settled.Count == 0 ? 0 : settled.Max(h => h.GetProperty("MemoryMb").GetInt64()),
            LiveAfter(settled, 0), LiveSeries(heartbeats, out var liveAtEnd), liveAtEnd, string.Join(", ", Bursts(lines)),
            p50s.Length == 0 ? 0 : p50s[p50s.Length / 2], p99s.Length == 0 ? 0 : p99s[p99s.Length / 2], p99s.Length == 0 ? 0 : p99s[^1]);
    }

    /// <summary>The live heap (after the last full collection) as of heartbeat <paramref name="index"/>.</summary>
    private static long LiveAfter(List<JsonElement> heartbeats, int index) => index < 0 || index >= heartbeats.Count ? 0 : heartbeats[index].GetProperty("LiveMb").GetInt64();

    /// <summary>The cycles in which the chaos family allocated its burst.</summary>
    private static List<long> Bursts(List<JsonElement> lines) => lines
        .Where(l => l.GetProperty("message").GetString()!.Contains("allocation burst", StringComparison.Ordinal) && l.TryGetProperty("Cycle", out _))
        .Select(l => l.GetProperty("Cycle").GetInt64()).ToList();

    /// <summary>The live heap after each full collection, in order, as "cycle:MB" (the first heartbeat that saw it); the last value in <paramref name="atEnd"/>.</summary>
    private static string LiveSeries(List<JsonElement> heartbeats, out long atEnd)
    {
        var parts = new List<string>();
        atEnd = 0;
        foreach (var heartbeat in heartbeats)
        {
            var value = heartbeat.GetProperty("LiveMb").GetInt64();
            if (value != atEnd)
            {
                parts.Add($"{heartbeat.GetProperty("Cycles").GetInt64()}:{value}");
                atEnd = value;
            }
        }

        return string.Join(", ", parts);
    }

    /// <summary>Replays the sample market the daemon ran on and checks that every symbol with a valid bar got a signal in every cycle.</summary>
    private static (long Lost, long Journaled, long LastCycle) CountLostSignals(string signalsDir, int cycles)
    {
        var got = new Dictionary<long, HashSet<string>>();
        foreach (var file in Directory.GetFiles(signalsDir, "signals_*.jsonl").Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file))
            {
                using var json = JsonDocument.Parse(line);
                var cycle = json.RootElement.GetProperty("cycle").GetInt64();
                (got.TryGetValue(cycle, out var set) ? set : got[cycle] = new HashSet<string>(StringComparer.Ordinal)).Add(json.RootElement.GetProperty("symbol").GetString()!);
            }
        }

        var feed = new SampleMarket(42, 500);
        var market = new MarketState(feed.Universe, feed.Benchmark, 1260);
        for (var i = 0; i < 300 && feed.TryNextDay(out var warm); i++)
        {
            market.Append(warm);
        }

        long lost = 0;
        long journaled = 0;
        for (var cycle = 1; cycle <= cycles && feed.TryNextDay(out var day); cycle++)
        {
            market.Append(day);
            var expected = market.Snapshot(cycle).Symbols;
            var set = got.GetValueOrDefault(cycle);
            journaled += set?.Count ?? 0;
            lost += set is null ? expected.Count : expected.Count(s => !set.Contains(s.Symbol));
        }

        return (lost, journaled, got.Count == 0 ? 0 : got.Keys.Max());
    }

    private static IEnumerable<JsonElement> ReadJsonLines(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            if (line.EndsWith('}'))
            {
                yield return JsonDocument.Parse(line).RootElement.Clone();
            }
        }
    }

    private static Process Start(string hostDll, string work, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(hostDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var console = new StreamWriter(Path.Combine(work, $"console-{args[0]}-{Environment.TickCount64}.txt")) { AutoFlush = true };
        var closed = false;

        // Output lines can still be delivered after the Exited event: once the file is closed they are dropped, never
        // written to a disposed writer (which would kill the soak itself).
        void Write(string? line)
        {
            lock (console)
            {
                if (!closed)
                {
                    console.WriteLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.Exited += (_, _) =>
        {
            lock (console)
            {
                closed = true;
                console.Dispose();
            }
        };
        process.EnableRaisingEvents = true;
        return process;
    }

    private static async Task<int> RunToEndAsync(string hostDll, string work, params string[] args)
    {
        using var process = Start(hostDll, work, args);
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AlphaHost.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("AlphaHost.sln not found above " + AppContext.BaseDirectory);
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }
}

/// <summary>What a soak run found.</summary>
internal sealed record SoakReport(
    int CyclesAsked, long CyclesCompleted, int ExitCode, double WallSeconds,
    IReadOnlyDictionary<string, int> InjectedFromOutside, IReadOnlyDictionary<string, int> InjectedInside, IReadOnlyDictionary<string, int> Observed,
    long SignalsLost, long SignalsJournaled, long MemoryMbAfterWarmup, long MemoryMbAtEnd, long MemoryMbMax, long LiveMbAfterWarmup, string LiveMbSeries, long LiveMbAtEnd, string BurstCycles,
    double CycleP50MsMedian, double CycleP99MsMedian, double CycleP99MsWorst)
{
    public int FaultsInjected => InjectedFromOutside.Values.Sum() + InjectedInside.Values.Sum();

    public bool Passed => ExitCode == 0 && CyclesCompleted == CyclesAsked && SignalsLost == 0;

    public string ToMarkdown() => string.Join('\n',
        "| measure | value |",
        "| --- | --- |",
        $"| cycles completed / asked | {CyclesCompleted:N0} / {CyclesAsked:N0} (exit {ExitCode}, {WallSeconds:0} s) |",
        $"| faults injected | {FaultsInjected:N0}: {string.Join(", ", InjectedInside.Concat(InjectedFromOutside).Select(kv => $"{kv.Key} {kv.Value}"))} |",
        $"| faults seen by the daemon | {string.Join(", ", Observed.Select(kv => $"{kv.Key} {kv.Value}"))} |",
        $"| signals journaled / lost | {SignalsJournaled:N0} / {SignalsLost:N0} |",
        $"| live heap after full collections, after warm-up / end | {LiveMbAfterWarmup} / {LiveMbAtEnd} MB (cycle:MB of each: {LiveMbSeries}; chaos bursts in cycles {BurstCycles}) |",
        $"| working set after warm-up / end / max | {MemoryMbAfterWarmup} / {MemoryMbAtEnd} / {MemoryMbMax} MB |",
        string.Create(CultureInfo.InvariantCulture, $"| cycle time p50 (median of heartbeats) / p99 median / p99 worst | {CycleP50MsMedian:0.0} / {CycleP99MsMedian:0.0} / {CycleP99MsWorst:0.0} ms |"),
        $"| verdict | {(Passed ? "PASS" : "FAIL")} |");
}
