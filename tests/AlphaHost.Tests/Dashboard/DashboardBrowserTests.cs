using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AlphaHost.Tests.Daemon;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Dashboard;

/// <summary>Headless Chromium loading the dashboard of a running daemon, and the static report of its logs.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class DashboardBrowserTests : IDisposable
{
    private const int Sigterm = 15;
    private static readonly string[] Series = ["state", "ml_state", "model_errors", "p50", "p99", "data", "models", "momentum", "reversal", "regime", "ml_alpha"];
    private readonly TempDir _dir = new();

    [ToolFact("chromium", "chromium")]
    public async Task Chromium_LiveDashboardAndStaticReport_RenderEverySeries()
    {
        var port = FreePort();
        var config = _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: false, cycleInterval: "100ms", heartbeat: "200ms")
            .Replace("listen: 127.0.0.1:0", $"listen: 127.0.0.1:{port}"));
        using (var daemon = HostProcess.Start(_dir.Path, "run", "--config", config))
        {
            await daemon.WaitForLogAsync(lines => lines.Count(l => HostProcess.IsHeartbeat(l) && l.GetProperty("Cycles").GetInt64() > 0) >= 3);

            var dom = await ChromiumAsync("--dump-dom", $"http://127.0.0.1:{port}/");
            var artifacts = Path.Combine(TestPaths.RepoRoot, "artifacts");
            Directory.CreateDirectory(artifacts);
            var screenshot = Path.Combine(artifacts, "dashboard.png");
            File.Delete(screenshot);
            await ChromiumAsync($"--screenshot={screenshot}", $"http://127.0.0.1:{port}/");

            Assert.All(Series, name => Assert.Contains($"class=\"series\" data-name=\"{name}\"", dom));
            Assert.Contains("id=\"chart-family-momentum\"", dom);
            Assert.Contains("DISABLED_CONFIG", dom);
            Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is missing or empty");
            daemon.SendSignal(Sigterm);
            Assert.Equal(0, await daemon.WaitForExitAsync());
        }

        // The same views from the logs, with no daemon running.
        var (exit, report) = await HostProcess.RunAsync(_dir.Path, "dashboard", "--config", config, "--out", "report");
        using (report)
        {
            Assert.True(exit == 0, report.Stderr);
        }

        var staticDom = await ChromiumAsync("--dump-dom", "file://" + Path.Combine(_dir.Path, "report", "index.html"));
        Assert.All(Series, name => Assert.Contains($"class=\"series\" data-name=\"{name}\"", staticDom));
    }

    public void Dispose() => _dir.Dispose();

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task<string> ChromiumAsync(string action, string url)
    {
        var start = new ProcessStartInfo(Tools.Find("chromium")!)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            ArgumentList =
            {
                "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage", $"--user-data-dir={_dir.File("chromium-profile")}",
                "--window-size=1400,1900", "--virtual-time-budget=10000", action, url,
            },
        };
        using var chromium = Process.Start(start)!;
        var stdout = chromium.StandardOutput.ReadToEndAsync();
        _ = chromium.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await chromium.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            chromium.Kill(entireProcessTree: true);
            throw;
        }

        return await stdout;
    }
}
