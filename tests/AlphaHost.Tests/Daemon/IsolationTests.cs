using System.Text.Json;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>
/// Careless plugin code against the daemon in its default isolation (each family in a worker process): whatever one
/// family does, the host process lives, the other family signals every cycle, the heartbeat names the failing family,
/// and SIGTERM still ends the daemon with exit 0 within <c>host.shutdown_timeout</c>.
/// </summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class IsolationTests : IDisposable
{
    private const int Sigterm = 15;
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData("thread_throw", true)]
    [InlineData("timer_throw", true)]
    [InlineData("async_void", true)]
    [InlineData("fail_fast", true)]
    [InlineData("exit_zero", true)]
    [InlineData("stack_overflow", true)]
    [InlineData("blocking_health", true)]
    [InlineData("blocking_dictionary", true)]
    [InlineData("blocking_constructor", true)]
    [InlineData("thread_hog", true)]
    [InlineData("retained_memory", true)]
    [InlineData("native_memory", true)]
    [InlineData("bar_writer", true)]
    [InlineData("pool_hog", false)]
    [InlineData("blocking_dispose", false)]
    public async Task Run_FamilyMisbehaves_HostLivesOthersSignalEveryCycleHeartbeatNamesItAndSigtermExitsZero(string family, bool fails)
    {
        var config = WriteConfig(family);
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);

        // Misbehaviour starts at the family's third cycle; give it twenty more, through at least one restart.
        await host.WaitForLogAsync(lines => CyclesIn(lines) >= 25);
        var stopped = DateTime.UtcNow;
        host.SendSignal(Sigterm);
        var exitCode = await host.WaitForExitAsync();

        Assert.Equal(0, exitCode);
        Assert.True(DateTime.UtcNow - stopped < TimeSpan.FromSeconds(10), "SIGTERM took longer than host.shutdown_timeout");
        var journal = Journal();
        var cycles = journal.GroupBy(l => l.GetProperty("cycle").GetInt64()).ToList();
        Assert.True(cycles.Count >= 25, $"only {cycles.Count} cycles written");
        Assert.All(cycles, cycle => Assert.Contains(cycle, l => l.GetProperty("contributions").GetProperty("momentum").GetDouble() != 0.0));
        var heartbeats = HostProcess.ReadLog(host.LiveLog).Where(HostProcess.IsHeartbeat).Select(h => h.GetProperty("message").GetString()!).ToList();
        Assert.DoesNotContain(heartbeats, h => h.Contains("state=HALTED") && !h.Contains("reasons=starting"));
        if (fails)
        {
            Assert.Contains(heartbeats, h => System.Text.RegularExpressions.Regex.IsMatch(h, $@"families=[^|]*\b{family}:(DEGRADED|QUARANTINED)"));
            var errors = HostProcess.ReadLog(host.ErrorLog).Select(e => e.GetProperty("message").GetString()!).ToList();
            Assert.Contains(errors, e => e.Contains($"Family {family}", StringComparison.Ordinal));
            var why = family switch
            {
                "fail_fast" => "killed by SIGABRT (exit code 134); last stderr: Process terminated. | plugin calls FailFast",
                "exit_zero" => "worker exited with code 0",
                "thread_throw" => "last stderr: Unhandled exception. System.InvalidOperationException: thrown on a plugin thread",
                _ => null,
            };
            Assert.True(why is null || errors.Any(e => e.Contains(why, StringComparison.Ordinal)), $"no error says '{why}'");
        }

        Assert.Empty(Workers());
    }

    [Fact]
    public async Task Run_PluginDroppedInThatInitializesSlowly_CyclesGoOnMeanwhileAndItJoinsWhenReady()
    {
        var config = WriteConfig("slow_init", initTimeout: "30s");
        var wild = Path.Combine(_dir.Path, "plugins", "Wild");
        var parked = Path.Combine(_dir.Path, "Wild");
        Directory.Move(wild, parked);
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(lines => CyclesIn(lines) >= 5);

        var dropped = CyclesIn(HostProcess.ReadLog(host.LiveLog));
        Directory.Move(parked, wild);
        var lines = await host.WaitForLogAsync(l => l.Any(e => e.GetProperty("message").GetString()!.StartsWith("Family slow_init started", StringComparison.Ordinal)));
        var joined = CyclesIn(lines);
        await host.WaitForLogAsync(l => CyclesIn(l) >= joined + 5);
        host.SendSignal(Sigterm);

        Assert.Equal(0, await host.WaitForExitAsync());
        // It takes 9 s to initialize; at 50 ms a cycle the loop must have gone on meanwhile.
        Assert.True(joined - dropped >= 20, $"only {joined - dropped} cycles ran while the plugin initialized");
        var journal = Journal();
        Assert.Contains(journal, l => l.GetProperty("contributions").TryGetProperty("slow_init", out var c) && c.GetDouble() != 0.0);
        Assert.All(journal.GroupBy(l => l.GetProperty("cycle").GetInt64()), cycle => Assert.Contains(cycle, l => l.GetProperty("contributions").GetProperty("momentum").GetDouble() != 0.0));
    }

    [Fact]
    public async Task Run_FamilyBlocksInConfigure_ItsWorkerIsRestartedWithTheNewSettingsAndCyclesGoOn()
    {
        var config = WriteConfig("blocking_configure");
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(lines => CyclesIn(lines) >= 5);

        File.WriteAllText(config, File.ReadAllText(config).Replace("blocking_configure: {weight: 0.5}", "blocking_configure: {weight: 0.5, knob: 2}", StringComparison.Ordinal));
        var lines = await host.WaitForLogAsync(l => l.Any(e => e.GetProperty("message").GetString()!.Contains("did not apply its new settings", StringComparison.Ordinal)));
        var at = CyclesIn(lines);
        await host.WaitForLogAsync(l => CyclesIn(l) >= at + 10);
        host.SendSignal(Sigterm);

        Assert.Equal(0, await host.WaitForExitAsync());
        Assert.All(Journal().GroupBy(l => l.GetProperty("cycle").GetInt64()), cycle => Assert.Contains(cycle, l => l.GetProperty("contributions").GetProperty("momentum").GetDouble() != 0.0));
    }

    [Fact]
    public async Task Run_PluginReplacedWhileRunning_SwitchesToTheNewBuildWithoutMissingACycle()
    {
        var plugins = _dir.File("plugins");
        TempDir.CopyDirectory(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), Path.Combine(plugins, "Momentum"));
        TempDir.CopyDirectory(Path.Combine(TestPaths.FixturePlugins, "SwapV1"), Path.Combine(plugins, "Swap"));
        var config = _dir.Write("golden.yaml", $$"""
            host:
              cycle_interval: 50ms
              heartbeat_interval: 300ms
              plugins_dir: {{plugins}}
            market:
              sample: {symbols: 60}
            families:
              momentum: {weight: 0.5, timeout: 60s}
              swap: {weight: 0.5, timeout: 60s}
            """);
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(lines => CyclesIn(lines) >= 5);

        TempDir.CopyDirectory(Path.Combine(TestPaths.FixturePlugins, "SwapV2"), _dir.File("SwapV2"));
        Directory.Move(Path.Combine(plugins, "Swap"), _dir.File("SwapV1-old"));
        Directory.Move(_dir.File("SwapV2"), Path.Combine(plugins, "Swap"));
        var lines = await host.WaitForLogAsync(l => l.Any(e => e.GetProperty("message").GetString()!.StartsWith("Family swap switched to its new plugin build", StringComparison.Ordinal)));
        var switched = CyclesIn(lines);
        await host.WaitForLogAsync(l => CyclesIn(l) >= switched + 5);
        host.SendSignal(Sigterm);

        Assert.Equal(0, await host.WaitForExitAsync());
        var byCycle = Journal().GroupBy(l => l.GetProperty("cycle").GetInt64()).OrderBy(g => g.Key).Select(g => g.First().GetProperty("contributions").GetProperty("swap").GetDouble()).ToList();
        Assert.Equal(0.5 * 0.1, byCycle[0], 9);
        Assert.Equal(0.5 * 0.2, byCycle[^1], 9);
        Assert.All(byCycle, c => Assert.True(c is > 0.0499 and < 0.1001, $"a cycle without the swap family's signal: {c}"));
    }

    [Fact]
    public async Task Run_HostKilledHard_ItsWorkersExitToo()
    {
        var config = WriteConfig("bar_writer");
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(lines => CyclesIn(lines) >= 5);
        Assert.NotEmpty(Workers());

        host.SendSignal(9);
        await host.WaitForExitAsync();

        await Poll.UntilAsync(() => !Workers().Any());
    }

    public void Dispose() => _dir.Dispose();

    private string WriteConfig(string family, string initTimeout = "10s")
    {
        var plugins = _dir.File("plugins");
        TempDir.CopyDirectory(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), Path.Combine(plugins, "Momentum"));
        TempDir.CopyDirectory(Path.Combine(TestPaths.FixturePlugins, "Wild"), Path.Combine(plugins, "Wild"));
        return _dir.Write("golden.yaml", $"""
            host:
              cycle_interval: 50ms
              heartbeat_interval: 300ms
              family_timeout: 300ms
              init_timeout: {initTimeout}
              quarantine_after: 2
              quarantine_backoff: 1s
              shutdown_timeout: 10s
              plugins_dir: {plugins}
            market:
              sample: {"{symbols: 60}"}
            families:
              momentum: {"{weight: 0.5, timeout: 60s}"}
              {family}: {"{weight: 0.5}"}
            """.Replace($"{family}: {{weight: 0.5}}", family is "retained_memory" or "native_memory" ? $"{family}: {{weight: 0.5, max_memory_mb: 96}}" : $"{family}: {{weight: 0.5}}", StringComparison.Ordinal));
    }

    private List<JsonElement> Journal() =>
        Directory.GetFiles(Path.Combine(_dir.Path, "runtime", "signals"), "signals_*.jsonl").Order().SelectMany(HostProcess.ReadLog).ToList();

    private static int CyclesIn(IReadOnlyList<JsonElement> lines) =>
        lines.Where(HostProcess.IsHeartbeat).Select(h => (int)h.GetProperty("Cycles").GetInt64()).DefaultIfEmpty(0).Max();

    private IEnumerable<string> Workers() =>
        Directory.GetDirectories("/proc").Select(p => Path.Combine(p, "cmdline")).Where(File.Exists)
            .Select(p =>
            {
                try
                {
                    return File.ReadAllText(p);
                }
                catch (IOException)
                {
                    return "";
                }
            })
            .Where(c => c.Contains("worker", StringComparison.Ordinal) && c.Contains(_dir.Path, StringComparison.Ordinal));
}
