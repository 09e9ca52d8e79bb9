using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AlphaHost.Tests.Daemon;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Http;

/// <summary>The built daemon's HTTP endpoint, as a probe, a Prometheus scraper and signal subscribers see it.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed partial class HttpDaemonTests : IDisposable
{
    private const int Sigterm = 15;
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Run_ReadyAfterStart_MetricsFollowGovernanceTripAndMlDisable_StreamServesTwoClientsWhileAThirdStalls()
    {
        var port = FreePort();
        var config = _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: true, cycleInterval: "200ms", heartbeat: "1s")
            .Replace("listen: 127.0.0.1:0", $"listen: 127.0.0.1:{port}"));
        var (trainExit, train) = await HostProcess.RunAsync(_dir.Path, "train", "--config", config, "--symbols", "AAA,AAB,AAC");
        using (train)
        {
            Assert.True(trainExit == 0, train.Stdout + train.Stderr);
        }

        _http.BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);

        // Readiness: not ready (503, with the reason) while the daemon starts, then ready.
        var answers = new List<(HttpStatusCode Code, string Body)>();
        await Poll.UntilAsync(() =>
        {
            if (Get("health/ready") is { } answer)
            {
                answers.Add(answer);
            }

            return answers.Count > 0 && answers[^1].Code == HttpStatusCode.OK;
        });
        var notReady = answers.First();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.Code);
        using (var body = JsonDocument.Parse(notReady.Body))
        {
            Assert.False(body.RootElement.GetProperty("ready").GetBoolean());
            Assert.Contains("starting", body.RootElement.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        }

        Assert.All(answers.SkipWhile(a => a.Code != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.OK, a.Code));
        using (var daemon = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "runtime", "daemon.json"))))
        {
            Assert.Equal($"127.0.0.1:{port}", daemon.RootElement.GetProperty("http").GetProperty("listen").GetString());
        }

        // The signal stream: a client that connects and never reads, then two that read every cycle.
        using var stalled = new TcpClient { ReceiveBufferSize = 1024 };
        await stalled.ConnectAsync(IPAddress.Loopback, port);
        await stalled.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"GET /api/signals/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"));
        using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var clients = new[] { ReadEventsAsync(6, reading.Token), ReadEventsAsync(6, reading.Token) };
        var received = await Task.WhenAll(clients);
        foreach (var events in received)
        {
            var cycles = events.Select(e => e.Id).ToArray();
            Assert.Equal(Enumerable.Range(0, cycles.Length).Select(i => cycles[0] + i), cycles);
            Assert.All(events, e =>
            {
                using var json = JsonDocument.Parse(e.Data);
                Assert.Equal(e.Id, json.RootElement.GetProperty("cycle").GetInt64());
                Assert.True(json.RootElement.GetProperty("signals").GetProperty("AAA").TryGetProperty("contributions", out _));
            });
        }

        // The stalled client only loses cycles: the daemon cycles on and answers.
        await Poll.UntilAsync(() => Metric(Scrape(), "alphahost_http_sse_dropped_events_total") > 0);
        var cyclesBefore = Metric(Scrape(), "alphahost_cycles");
        await Poll.UntilAsync(() => Metric(Scrape(), "alphahost_cycles") >= cyclesBefore + 5);
        Assert.Equal(HttpStatusCode.OK, Get("health/live")!.Value.Code);
        Assert.True(Metric(Scrape(), "alphahost_worker_memory_bytes", "family=\"momentum\"") > 1024 * 1024);

        // Metrics follow a governance trip, then an operator's ml disable.
        await Poll.UntilAsync(() => Metric(Scrape(), "alphahost_ml_state", "state=\"ENABLED|OK\"") == 1);
        ModelFiles.DropFeatures(Path.Combine(_dir.Path, "models", "ml_alpha", "AAA_v1_latest", "model_meta.json"), 4);
        await Poll.UntilAsync(() => Metric(Scrape(), "alphahost_ml_state", "state=\"DISABLED_GOVERNANCE\"") == 1);
        var tripped = Scrape();
        Assert.Equal(1, Metric(tripped, "alphahost_governance_trips_total", "family=\"ml_alpha\""));
        Assert.Equal(0, Metric(tripped, "alphahost_ml_state", "state=\"ENABLED|OK\""));
        Assert.True(Metric(tripped, "alphahost_model_errors") >= 3);
        Assert.Equal(1, Metric(tripped, "alphahost_family_state", "family=\"ml_alpha\"", "state=\"DISABLED_GOVERNANCE\""));

        var (disableExit, disable) = await HostProcess.RunAsync(_dir.Path, "ml", "disable", "--reason", "metrics drill", "--config", config);
        disable.Dispose();
        Assert.Equal(0, disableExit);
        await Poll.UntilAsync(() => Metric(Scrape(), "alphahost_ml_state", "state=\"DISABLED_CONFIG\"") == 1);
        Assert.Equal(0, Metric(Scrape(), "alphahost_family_enabled", "family=\"ml_alpha\""));

        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private (HttpStatusCode Code, string Body)? Get(string path)
    {
        try
        {
            using var response = _http.GetAsync(path).GetAwaiter().GetResult();
            return (response.StatusCode, response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private string Scrape() => Get("metrics") is { Code: HttpStatusCode.OK } answer ? answer.Body : "";

    /// <summary>The value of the sample <paramref name="name"/> with all of <paramref name="labels"/>; NaN when there is none.</summary>
    private static double Metric(string text, string name, params string[] labels)
    {
        foreach (Match sample in SampleLine().Matches(text))
        {
            if (sample.Groups["name"].Value == name && labels.All(l => sample.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            {
                return double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }

    private async Task<List<(long Id, string Data)>> ReadEventsAsync(int count, CancellationToken cancel)
    {
        using var response = await _http.GetAsync("api/signals/stream", HttpCompletionOption.ResponseHeadersRead, cancel);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel));
        var events = new List<(long, string)>();
        long id = 0;
        while (events.Count < count && await reader.ReadLineAsync(cancel) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((id, line[6..]));
            }
        }

        return events;
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
