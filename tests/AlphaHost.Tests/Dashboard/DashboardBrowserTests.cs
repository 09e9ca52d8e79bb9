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
            // ml_alpha is off from the start (ml_enabled: false): its detail says so, not the "starting" of a family that never started.
            Assert.Contains("<td>disabled by configuration</td>", dom);
            Assert.DoesNotContain("<td>starting</td>", dom);
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

    [ToolFact("chromium", "chromium")]
    public async Task Chromium_DisableAndEnableBetweenTwoHeartbeats_TheDisableIsOnTheTimeline()
    {
        var port = FreePort();
        // Heartbeats 20 s apart; the disable lasts a few seconds, between two of them.
        var config = _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: true, cycleInterval: "100ms", heartbeat: "20s")
            .Replace("listen: 127.0.0.1:0", $"listen: 127.0.0.1:{port}"));
        using var daemon = HostProcess.Start(_dir.Path, "run", "--config", config);
        await daemon.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && l.GetProperty("Cycles").GetInt64() > 0));
        var heartbeatsBefore = HostProcess.ReadLog(daemon.LiveLog).Count(HostProcess.IsHeartbeat);

        await OperatorAsync(config, "disable", "--reason", "x");
        await daemon.WaitForLogAsync(lines => lines.Any(l => Message(l).Contains("features.ml_enabled=false", StringComparison.Ordinal)));
        await OperatorAsync(config, "enable", "--reason", "back");
        await daemon.WaitForLogAsync(lines => lines.Any(l => Message(l).Contains("features.ml_enabled=true", StringComparison.Ordinal)));
        var heartbeatsDuring = HostProcess.ReadLog(daemon.LiveLog).Count(HostProcess.IsHeartbeat) - heartbeatsBefore;
        await daemon.WaitForLogAsync(lines => lines.Any(l => Message(l).StartsWith("State changed:", StringComparison.Ordinal)
            && l.TryGetProperty("PreviousMlState", out var was) && was.GetString() == "DISABLED_CONFIG"));

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        using var history = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("api/history"));
        var events = history.RootElement.GetProperty("events").EnumerateArray()
            .Select(e => (Kind: e.GetProperty("kind").GetString(), Message: e.GetProperty("message").GetString() ?? "")).ToArray();
        Assert.Contains(events, e => e.Kind == "operator" && e.Message.StartsWith("ml disable", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Kind == "config" && e.Message.Contains("features.ml_enabled=false", StringComparison.Ordinal));
        // The dip itself, from the daemon's state-change records: a DISABLED_CONFIG stretch of the ml_state line, not only a marker.
        Assert.Contains(history.RootElement.GetProperty("timelines").GetProperty("ml_state").EnumerateArray(),
            s => s.GetProperty("value").GetString() == "DISABLED_CONFIG" && s.GetProperty("to").GetDateTimeOffset() > s.GetProperty("from").GetDateTimeOffset());

        var dom = await ChromiumAsync("--dump-dom", $"http://127.0.0.1:{port}/");
        var mlTimeline = dom[dom.IndexOf("id=\"chart-ml-state\"", StringComparison.Ordinal)..dom.IndexOf("id=\"chart-model-errors\"", StringComparison.Ordinal)];
        Assert.Contains("<g class=\"marker\" data-kind=\"operator\">", mlTimeline);
        Assert.Contains("ml disable by", mlTimeline);
        Assert.Contains("<g class=\"marker\" data-kind=\"config\">", mlTimeline);
        Assert.Contains("class=\"step\" data-name=\"ml_state\" data-value=\"DISABLED_CONFIG\"", mlTimeline);
        daemon.SendSignal(Sigterm);
        Assert.Equal(0, await daemon.WaitForExitAsync());
        // What the test is about: no heartbeat, or at most one, fell inside the disable.
        Assert.InRange(heartbeatsDuring, 0, 1);
    }

    public void Dispose() => _dir.Dispose();

    private static string Message(System.Text.Json.JsonElement line) => line.GetProperty("message").GetString() ?? "";

    private async Task OperatorAsync(string config, string command, params string[] options)
    {
        var (exit, run) = await HostProcess.RunAsync(_dir.Path, ["ml", command, .. options, "--config", config]);
        using (run)
        {
            Assert.True(exit == 0, run.Stderr);
        }
    }

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
