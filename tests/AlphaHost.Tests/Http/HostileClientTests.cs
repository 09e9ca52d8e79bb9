using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using AlphaHost.Tests.Daemon;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Http;

/// <summary>
/// The built daemon against what any local user can do to its HTTP port: hold thousands of idle connections, run it out
/// of file descriptors, take the port first; and what its outputs must never show (a webhook's token).
/// </summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class HostileClientTests : IDisposable
{
    private const int Sigterm = 15;
    private readonly TempDir _dir = new();
    private readonly List<Socket> _flood = [];

    [Fact]
    public async Task Run_ThousandsOfIdleConnections_DescriptorsStayBoundedCyclesGoOnStatusAnswersAfterAndSigtermExitsZero()
    {
        var port = FreePort();
        var config = WriteConfig(port, "max_connections: 64");
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await Poll.UntilAsync(() => Cycles() > 2 && HttpState() == "listening");
        var before = OpenDescriptors(host.Id);

        await FloodAsync(port, 3000);
        var cyclesAtFlood = Cycles();
        var peak = 0;
        await Poll.UntilAsync(() =>
        {
            peak = Math.Max(peak, OpenDescriptors(host.Id));
            return Cycles() >= cyclesAtFlood + 10;
        });
        peak = Math.Max(peak, OpenDescriptors(host.Id));

        // 64 connections served at once; the others are accepted and closed at once, so each holds a descriptor only for
        // that moment (without the limit the daemon held one per connection: 3,000).
        Assert.True(peak < before + 1000, $"{peak} descriptors open under the flood of 3,000 connections, {before} before it");
        CloseFlood();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        string? status = null;
        await Poll.UntilAsync(() => (status = TryGet(http, $"http://127.0.0.1:{port}/api/status")) is not null);
        using (var json = JsonDocument.Parse(status!))
        {
            Assert.True(json.RootElement.GetProperty("heartbeat").GetProperty("cycles").GetInt64() >= cyclesAtFlood + 10);
        }

        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    [Fact]
    public async Task Run_PortTaken_OneWarningNoStackTraceDegradedHttpUnavailableInHeartbeatAndDaemonJson()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var config = WriteConfig(port);
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);

        var lines = await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("cycles=") && !Message(l).Contains("reasons=starting")));
        await Poll.UntilAsync(() => DaemonJson() is { } d && d.Contains("http_unavailable"));
        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());

        var all = HostProcess.ReadLog(host.LiveLog);
        var http = all.Where(l => Message(l).Contains($"127.0.0.1:{port}") && !HostProcess.IsHeartbeat(l)).ToList();
        var warning = Assert.Single(http);
        Assert.Equal("WARNING", warning.GetProperty("level").GetString());
        Assert.Contains("in use", Message(warning));
        Assert.DoesNotContain(all, l => l.GetProperty("level").GetString() is "ERROR" or "CRITICAL");
        Assert.DoesNotContain("   at ", host.Stdout + host.Stderr + File.ReadAllText(host.LiveLog));
        var beat = Message(all.Last(HostProcess.IsHeartbeat));
        Assert.Contains("state=DEGRADED", beat);
        Assert.Contains("http_unavailable", beat);
        Assert.Contains($"http=FAULT(address 127.0.0.1:{port} in use)", beat);
    }

    [Fact]
    public async Task Run_PortTakenThenFreed_EndpointListensAtARetryAndTheStateIsOkAgain()
    {
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var config = WriteConfig(port);
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await Poll.UntilAsync(() => HttpState() == "failed");

        taken.Stop();
        await Poll.UntilAsync(() => HttpState() == "listening");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Assert.NotNull(TryGet(http, $"http://127.0.0.1:{port}/api/status"));
        await host.WaitForLogAsync(lines => lines.Count > 0 && HostProcess.IsHeartbeat(lines[^1]) && Message(lines[^1]).Contains("state=OK"));

        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());
        var all = HostProcess.ReadLog(host.LiveLog);
        Assert.Single(all, l => Message(l).StartsWith("HTTP endpoint not started", StringComparison.Ordinal));
        Assert.Contains(all, l => Message(l).StartsWith($"HTTP endpoint listening on http://127.0.0.1:{port}/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_PortTakenAndHttpRequired_ExitsTwoAtStartWithOneLine()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var config = WriteConfig(port, "required: true");

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "run", "--config", config);
        using var _ = host;

        Assert.Equal(2, exit);
        var line = Assert.Single(host.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"127.0.0.1:{port} in use", line);
        Assert.Contains("host.http.required", line);
        Assert.DoesNotContain("   at ", host.Stdout + host.Stderr);
        Assert.DoesNotContain(HostProcess.ReadLog(host.LiveLog), l => l.GetProperty("level").GetString() is "ERROR" or "CRITICAL");
    }

    [Fact]
    public async Task Run_WebhookWithATokenFailsToDeliver_TheTokenIsInNoOutputFileOrEndpoint()
    {
        const string Token = "T0KEN9f3a7c1e55b2d";
        var hook = $"http://user:{Token}@127.0.0.1:{FreePort()}/services/{Token}/hook?key={Token}";
        var data = new BarFolderWriter(_dir.File("bars"), symbols: 20);
        data.Append(305);
        var port = FreePort();
        var config = WriteConfig(port);
        File.WriteAllText(config, File.ReadAllText(config)
            .Replace("source: sample", "source: bars").Replace("data_dir: \"\"", $"data_dir: {data.Folder}")
            .Replace("webhook: \"\"", $"webhook: \"{hook}\"").Replace("retries: 3", "retries: 1").Replace("retry_delay: 2s", "retry_delay: 10ms").Replace("timeout: 10s", "timeout: 2s"));
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        await host.WaitForLogAsync(lines => lines.Count(l => Message(l).Contains("could not be delivered to webhook")) >= 2);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var endpoints = new[] { "api/history", "api/status", "metrics" }.Select(p => TryGet(http, $"http://127.0.0.1:{port}/{p}") ?? throw new Xunit.Sdk.XunitException(p + " did not answer")).ToList();
        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());

        var outputs = new List<(string Where, string Text)> { ("stdout", host.Stdout), ("stderr", host.Stderr) };
        outputs.AddRange(endpoints.Select((text, i) => ($"endpoint {i}", text)));
        // The copy of the config in force holds what the operator's own file holds, secrets included: readable by the daemon's user alone.
        var inForce = Path.Combine(_dir.Path, "runtime", Host.Configuration.ConfigStore.InForceFileName);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(inForce));
        }

        outputs.AddRange(Directory.EnumerateFiles(Path.Combine(_dir.Path, "runtime"), "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".lock", StringComparison.Ordinal) && f != inForce).Select(f => (f, File.ReadAllText(f))));
        Assert.All(outputs, o => Assert.False(o.Text.Contains(Token, StringComparison.Ordinal), $"the token is in {o.Where}"));
        Assert.Contains(HostProcess.ReadLog(host.LiveLog), l => Message(l).Contains("could not be delivered to webhook http://127.0.0.1:"));
    }

    public void Dispose()
    {
        CloseFlood();
        _dir.Dispose();
    }

    private string WriteConfig(int port, params string[] httpKeys)
    {
        var text = TestConfigs.Golden(mlEnabled: false, cycleInterval: "20ms", heartbeat: "100ms").Replace("listen: 127.0.0.1:0", $"listen: 127.0.0.1:{port}");
        foreach (var key in httpKeys)
        {
            text = Regex.Replace(text, $@"(?m)^    {key.Split(':')[0]}:.*$", "    " + key);
        }

        return _dir.Write("golden.yaml", text);
    }

    private string? DaemonJson()
    {
        var path = Path.Combine(_dir.Path, "runtime", "daemon.json");
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private long Cycles()
    {
        try
        {
            using var json = JsonDocument.Parse(DaemonJson() ?? "{}");
            return json.RootElement.TryGetProperty("cycle", out var cycle) ? cycle.GetInt64() : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    private string? HttpState()
    {
        try
        {
            using var json = JsonDocument.Parse(DaemonJson() ?? "{}");
            return json.RootElement.TryGetProperty("http", out var http) ? http.GetProperty("state").GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Message(JsonElement line) => line.GetProperty("message").GetString()!;

    private static int OpenDescriptors(int pid) => Directory.GetFiles($"/proc/{pid}/fd").Length;

    private static string? TryGet(HttpClient http, string url)
    {
        try
        {
            using var response = http.GetAsync(url).GetAwaiter().GetResult();
            return response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.ServiceUnavailable ? response.Content.ReadAsStringAsync().GetAwaiter().GetResult() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Opens <paramref name="count"/> loopback connections that send nothing, in batches, each connect bounded in time.</summary>
    private async Task FloodAsync(int port, int count)
    {
        for (var i = 0; i < count; i += 100)
        {
            var batch = Enumerable.Range(0, Math.Min(100, count - i)).Select(async _ =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                lock (_flood)
                {
                    _flood.Add(socket);
                }

                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                {
                    // A full backlog: the attacker just gets fewer connections.
                }
            });
            await Task.WhenAll(batch);
        }
    }

    private void CloseFlood()
    {
        lock (_flood)
        {
            foreach (var socket in _flood)
            {
                socket.Dispose();
            }

            _flood.Clear();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
