using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>
/// Families whose log events try to speak for the host (a forged heartbeat, forged scopes naming the heartbeat and
/// governance components, a forged loop fault) or drown it (1,000 events of 1 KB a cycle), in both isolations: what an
/// operator reads (<c>ml status</c>, the host's records, errors.jsonl, the heartbeat, /metrics) stays the host's own, each
/// plugin event is stamped with its family, and the flood is bounded, counted and shown.
/// </summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class HostileLogTests : IDisposable
{
    private const int Sigkill = 9;
    private const int Cycles = 12;
    private static readonly string[] Hostile = ["forged_scope", "forged_heartbeat", "forged_fault", "flooder"];
    private static readonly string[] HostComponents = ["HeartbeatService", "ML_GOVERNANCE", "CycleService"];
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData("process")]
    [InlineData("in_process")]
    public async Task Run_FamiliesForgeHostRecordsAndFlood_OperatorReadsOnlyTheHostFloodIsBoundedAndCounted(string isolation)
    {
        var port = FreePort();
        var config = WriteConfig(isolation, port);
        string metrics;
        using (var host = HostProcess.Start(_dir.Path, "run", "--config", config))
        {
            await host.WaitForLogAsync(lines => HostCycles(lines) >= Cycles);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            metrics = await http.GetStringAsync("metrics");

            // Stopped the hard way (no final heartbeat) right after a forged heartbeat, so the newest line that looks like one is the family's.
            await host.WaitForLogAsync(lines => lines.LastOrDefault(l => Field(l, "message")!.Contains("HEARTBEAT", StringComparison.Ordinal)) is { } newest
                && Field(newest, "origin") != "host" && (Field(newest, "family") == "forged_heartbeat" || Field(newest, "Cycles") == "999999"));
            host.SendSignal(Sigkill);
            Assert.NotEqual(70, await host.WaitForExitAsync());
        }

        var (statusExit, status) = await HostProcess.RunAsync(_dir.Path, "ml", "status", "--config", config);
        using (status)
        {
            Assert.Equal(0, statusExit);
            // ml status reads daemon.json, never the log's heartbeat text: after the kill it says no daemon runs, nothing forged.
            Assert.StartsWith("no daemon is running on ", status.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("999999", status.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("ml_state:", status.Stdout, StringComparison.Ordinal);
        }

        var live = HostProcess.ReadLog(Path.Combine(_dir.Path, "runtime", "logs", "live.jsonl"));
        foreach (var family in Hostile)
        {
            var own = live.Where(l => Field(l, "family") == family).ToList();
            Assert.NotEmpty(own);
            Assert.All(own, l => Assert.Equal(("plugin", family, family), (Field(l, "origin"), Field(l, "instance"), Field(l, "component"))));
        }

        Assert.All(live.Where(l => Field(l, "origin") != "plugin"), l =>
        {
            Assert.Equal("host", Field(l, "origin"));
            Assert.DoesNotContain("(forged in cycle", Field(l, "message"), StringComparison.Ordinal);
            Assert.DoesNotContain("Cycle loop faulted", Field(l, "message"), StringComparison.Ordinal);
            Assert.DoesNotContain("999999", Field(l, "message"), StringComparison.Ordinal);
            Assert.False(Field(l, "message")!.StartsWith("flood ", StringComparison.Ordinal));
        });
        Assert.All(live.Where(l => HostComponents.Contains(Field(l, "component"))), l => Assert.Equal("host", Field(l, "origin")));
        Assert.DoesNotContain(live, l => Field(l, "origin") == "plugin" && Field(l, "message")!.Contains("[HEARTBEAT]", StringComparison.Ordinal));
        var scoped = live.First(l => Field(l, "family") == "forged_scope" && Field(l, "level") == "ERROR");
        Assert.Equal(("AlphaHost.Host.Health.HeartbeatService", "ML_GOVERNANCE", "host"),
            (Field(scoped, "plugin_SourceContext"), Field(scoped, "plugin_component"), Field(scoped, "plugin_origin")));

        var errors = HostProcess.ReadLog(Path.Combine(_dir.Path, "runtime", "logs", "errors.jsonl"));
        Assert.DoesNotContain(errors, e => Field(e, "origin") == "host" && Field(e, "message")!.Contains("Cycle loop faulted", StringComparison.Ordinal));
        Assert.Contains(errors, e => (Field(e, "level"), Field(e, "origin"), Field(e, "family")) == ("CRITICAL", "plugin", "forged_fault"));

        // The budget's saved-up burst goes in the first cycles; from then on the flood is held to the average.
        var flood = live.Where(l => Field(l, "family") == "flooder").GroupBy(l => l.GetProperty("Cycle").GetInt64()).OrderBy(c => c.Key).ToList();
        Assert.True(flood.Count >= Cycles / 2, $"the flooder's events of only {flood.Count} cycles were written");
        Assert.All(flood.Skip(3), cycle => Assert.True(cycle.Count() <= 100, $"cycle {cycle.Key}: {cycle.Count()} of the flooder's 1,000 events written"));
        var heartbeats = live.Where(HostProcess.IsHeartbeat).Select(h => Field(h, "message")!).ToList();
        Assert.Contains(heartbeats, h => h.Contains("flooder=DEGRADED: log_flood", StringComparison.Ordinal));
        var dropped = Regex.Match(metrics, @"alphahost_plugin_log_dropped_total\{[^}]*family=""flooder""[^}]*\} (\d+)");
        Assert.True(dropped.Success && long.Parse(dropped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, metrics);
        Assert.DoesNotMatch(@"alphahost_plugin_log_dropped_total\{[^}]*family=""forged_fault""[^}]*\} [1-9]", metrics);

        var journal = Directory.GetFiles(Path.Combine(_dir.Path, "runtime", "signals"), "signals_*.jsonl").Order().SelectMany(HostProcess.ReadLog).ToList();
        var cycles = journal.GroupBy(l => l.GetProperty("cycle").GetInt64()).Where(c => c.Key > 3).ToList();
        Assert.True(cycles.Count >= Cycles - 3, $"only {cycles.Count} cycles written");
        Assert.All(cycles, cycle => Assert.Contains(cycle, l => l.GetProperty("contributions").GetProperty("momentum").GetDouble() != 0.0));
        Assert.All(cycles, cycle => Assert.Contains(cycle, l => l.GetProperty("contributions").GetProperty("flooder").GetDouble() != 0.0));
    }

    public void Dispose() => _dir.Dispose();

    private string WriteConfig(string isolation, int port)
    {
        var plugins = _dir.File("plugins");
        TempDir.CopyDirectory(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), Path.Combine(plugins, "Momentum"));
        TempDir.CopyDirectory(Path.Combine(TestPaths.ShippedPlugins, "MlAlpha"), Path.Combine(plugins, "MlAlpha"));
        TempDir.CopyDirectory(Path.Combine(TestPaths.FixturePlugins, "HostileLogs"), Path.Combine(plugins, "HostileLogs"));
        return _dir.Write("golden.yaml", $$"""
            features:
              ml_enabled: false
            host:
              cycle_interval: 100ms
              heartbeat_interval: 1s
              family_timeout: 30s
              family_isolation: {{isolation}}
              shutdown_timeout: 10s
              plugins_dir: {{plugins}}
              runtime_dir: runtime
              http: {enabled: true, listen: "127.0.0.1:{{port}}"}
            market:
              sample: {symbols: 40}
            families:
              momentum: {weight: 0.2}
              forged_scope: {weight: 0.2}
              forged_heartbeat: {weight: 0.2}
              forged_fault: {weight: 0.2}
              flooder: {weight: 0.2}
            """);
    }

    private static long HostCycles(IReadOnlyList<JsonElement> lines) =>
        lines.Where(l => HostProcess.IsHeartbeat(l) && l.GetProperty("Cycles").GetInt64() < 999_999).Select(h => h.GetProperty("Cycles").GetInt64()).DefaultIfEmpty(0).Max();

    private static string? Field(JsonElement line, string name) =>
        line.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ToString() : null;

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
