using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AlphaHost.Tests.Daemon;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Http;

/// <summary>The shipped alert rules under promtool, and a real Prometheus server scraping a running daemon.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class PrometheusTests : IDisposable
{
    private const int Sigterm = 15;
    private static readonly string RulesDir = Path.Combine(TestPaths.RepoRoot, "deploy", "prometheus");
    private readonly TempDir _dir = new();

    [ToolFact("promtool", "prometheus")]
    public async Task AlertRules_PassPromtoolCheckAndTheirUnitTests()
    {
        var (checkExit, check) = await RunAsync("promtool", RulesDir, "check", "rules", "alerts.yml");
        var (testExit, test) = await RunAsync("promtool", RulesDir, "test", "rules", "alerts_test.yml");
        var (configExit, config) = await RunAsync("promtool", RulesDir, "check", "config", "prometheus.yml");

        Assert.True(checkExit == 0, check);
        Assert.Contains("SUCCESS: 6 rules found", check);
        Assert.True(testExit == 0, test);
        Assert.True(configExit == 0, config);
    }

    [ToolFact("prometheus", "prometheus")]
    public async Task Prometheus_ScrapingTheDaemon_PromQlReturnsItsMlState()
    {
        var daemonPort = FreePort();
        var prometheusPort = FreePort();
        var config = _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: false, cycleInterval: "200ms", heartbeat: "1s")
            .Replace("listen: 127.0.0.1:0", $"listen: 127.0.0.1:{daemonPort}"));
        var scrape = _dir.Write("prometheus.yml",
            $"global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: alphahost\n    static_configs:\n      - targets: [\"127.0.0.1:{daemonPort}\"]\n");
        using var daemon = HostProcess.Start(_dir.Path, "run", "--config", config);
        using var prometheus = Process.Start(new ProcessStartInfo(Tools.Find("prometheus")!)
        {
            ArgumentList = { $"--config.file={scrape}", $"--storage.tsdb.path={_dir.File("tsdb")}", $"--web.listen-address=127.0.0.1:{prometheusPort}" },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        prometheus.OutputDataReceived += (_, _) => { };
        prometheus.ErrorDataReceived += (_, _) => { };
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{prometheusPort}/"), Timeout = TimeSpan.FromSeconds(10) };
            JsonElement[] results = [];
            await Poll.UntilAsync(() =>
            {
                results = Query(http, "alphahost_ml_state == 1");
                return results.Length > 0;
            });

            var sample = Assert.Single(results);
            Assert.Equal("DISABLED_CONFIG", sample.GetProperty("metric").GetProperty("state").GetString());
            Assert.Equal("alphahost", sample.GetProperty("metric").GetProperty("job").GetString());
            Assert.Equal("1", sample.GetProperty("value")[1].GetString());
        }
        finally
        {
            prometheus.Kill();
            await prometheus.WaitForExitAsync();
            daemon.SendSignal(Sigterm);
            await daemon.WaitForExitAsync();
        }
    }

    public void Dispose() => _dir.Dispose();

    private static JsonElement[] Query(HttpClient http, string promql)
    {
        try
        {
            var text = http.GetStringAsync("api/v1/query?query=" + Uri.EscapeDataString(promql)).GetAwaiter().GetResult();
            using var json = JsonDocument.Parse(text);
            return json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => r.Clone()).ToArray();
        }
        catch (HttpRequestException)
        {
            return [];
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string tool, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(Tools.Find(tool)!) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
