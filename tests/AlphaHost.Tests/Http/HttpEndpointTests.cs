using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Health;
using AlphaHost.Host.Http;
using AlphaHost.Host.Logging;
using AlphaHost.Host.Observability;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlphaHost.Tests.Http;

/// <summary>The endpoint's routes in process, on a free loopback port, against a status the test publishes.</summary>
public sealed class HttpEndpointTests : IAsyncLifetime
{
    private readonly HostStatus _status = new(TimeProvider.System);
    private readonly SignalFeed _feed = new();
    private readonly ServiceProvider _daemon;
    private readonly HttpEndpointService _endpoint;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public HttpEndpointTests()
    {
        var config = AlphaHostConfig.Default(Path.Combine(Path.GetTempPath(), "alphahost-tests", "http.yaml")) is var c
            ? c with { Host = c.Host with { Http = new HttpOptions { Listen = "127.0.0.1:0" } } }
            : null!;
        _daemon = Daemon(config, _status, _feed);
        _endpoint = new HttpEndpointService(_daemon.GetRequiredService<ConfigStore>(), _status, _feed, _daemon, NullLogger<HttpEndpointService>.Instance);
    }

    public async Task InitializeAsync()
    {
        await _endpoint.StartAsync(CancellationToken.None);
        await Listening(_status);
        _http.BaseAddress = new Uri($"http://{_status.HttpEndpoint.Listen}/");
    }

    public async Task DisposeAsync()
    {
        await _endpoint.StopAsync(CancellationToken.None);
        await _endpoint.DisposeAsync();
        await _daemon.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task Live_AnsweredWhileTheProcessRuns()
    {
        using var response = await _http.GetAsync("health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_BeforeTheFirstPass_Is503WithTheReason_ThenReadyAfterACycle()
    {
        using (var before = await _http.GetAsync("health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
            using var body = JsonDocument.Parse(await before.Content.ReadAsStringAsync());
            Assert.False(body.RootElement.GetProperty("ready").GetBoolean());
            Assert.Equal("HALTED", body.RootElement.GetProperty("state").GetString());
            Assert.Equal("starting", body.RootElement.GetProperty("reasons")[0].GetString());
        }

        Publish(FamilyState.Ok);

        using var after = await _http.GetAsync("health/ready");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        using var ready = JsonDocument.Parse(await after.Content.ReadAsStringAsync());
        Assert.True(ready.RootElement.GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task Status_HasTheHeartbeatFieldsFamiliesConfigAndVersion()
    {
        Publish(FamilyState.DisabledGovernance);

        using var status = JsonDocument.Parse(await _http.GetStringAsync("api/status"));

        var root = status.RootElement;
        Assert.Equal("DISABLED_GOVERNANCE", root.GetProperty("heartbeat").GetProperty("ml_state").GetString());
        Assert.Equal(9, root.GetProperty("heartbeat").GetProperty("model_errors").GetInt64());
        Assert.Equal("DEGRADED", root.GetProperty("daemon").GetProperty("state").GetString());
        Assert.EndsWith("http.yaml", root.GetProperty("daemon").GetProperty("config").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("daemon").GetProperty("version").GetString()));
        Assert.Equal("listening", root.GetProperty("daemon").GetProperty("http").GetProperty("state").GetString());
        var ml = root.GetProperty("families").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "ml_alpha");
        Assert.Equal(("DISABLED_GOVERNANCE", "tripped: feature_mismatch", 3), (ml.GetProperty("state").GetString(), ml.GetProperty("detail").GetString(), ml.GetProperty("serving_models").GetInt32()));
    }

    [Fact]
    public async Task SignalsLatest_404BeforeACycle_ThenTheCycleAsLatestJsonHasIt()
    {
        using (var none = await _http.GetAsync("api/signals/latest"))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }

        _feed.Publish(4, """{"cycle":4,"market_date":"2026-11-30","families":["momentum"],"signals":{"AAA":{"signal":0.1,"contributions":{"momentum":0.1}}}}"""u8);

        using var latest = JsonDocument.Parse(await _http.GetStringAsync("api/signals/latest"));
        Assert.Equal(4, latest.RootElement.GetProperty("cycle").GetInt64());
        Assert.Equal(0.1, latest.RootElement.GetProperty("signals").GetProperty("AAA").GetProperty("contributions").GetProperty("momentum").GetDouble());
    }

    [Fact]
    public async Task SignalsStream_SendsOneEventPerCycleWithTheCycleAsId()
    {
        using var response = await _http.GetAsync("api/signals/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await Poll.UntilAsync(() => _feed.Clients == 1);

        _feed.Publish(7, """{"cycle":7}"""u8);
        _feed.Publish(8, """{"cycle":8}"""u8);

        var events = new List<string>();
        while (events.Count < 2 && await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(line);
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                Assert.Contains(line, new[] { "id: 7", "id: 8" });
            }
        }

        Assert.Equal(["data: {\"cycle\":7}", "data: {\"cycle\":8}"], events);
    }

    [Fact]
    public async Task Metrics_PrometheusTextWithMlStateAsALabelledGauge()
    {
        Publish(FamilyState.Ok);

        var text = await _http.GetStringAsync("metrics");

        Assert.Contains("# TYPE alphahost_ml_state gauge", text);
        Assert.Matches(@"alphahost_ml_state\{[^}]*state=""ENABLED\|OK""[^}]*\} 1", text);
        Assert.Matches(@"alphahost_family_state\{[^}]*family=""ml_alpha""[^}]*state=""OK""[^}]*\} 1", text);
        Assert.Contains("# TYPE alphahost_cycles gauge", text);
    }

    [Fact]
    public async Task Root_ServesTheDashboardPageFromTheAssembly()
    {
        using var response = await _http.GetAsync("");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("id=\"chart-ml-state\"", page);
        Assert.DoesNotContain("http://", page.Replace("http://www.w3.org", "", StringComparison.Ordinal));
        Assert.DoesNotContain("https://", page);
    }

    [Fact]
    public async Task History_ReadsTheRuntimeFoldersLogs()
    {
        using var history = JsonDocument.Parse(await _http.GetStringAsync("api/history"));

        Assert.Equal(JsonValueKind.Array, history.RootElement.GetProperty("points").ValueKind);
        Assert.EndsWith("logs", history.RootElement.GetProperty("source").GetString());
    }

    [Theory]
    [InlineData("evil.example", HttpStatusCode.BadRequest)]
    [InlineData("evil.example:9464", HttpStatusCode.BadRequest)]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    [InlineData("localhost", HttpStatusCode.OK)]
    public async Task Request_HostHeader_OnlyLoopbackNamesAndTheConfiguredAddressAreServed(string host, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/status");
        request.Headers.Host = host.Contains(':') ? host : $"{host}:{new Uri(_http.BaseAddress!, "/").Port}";

        using var response = await _http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Request_FromAnotherOrigin_NoCorsHeaderAllowsAPageToReadIt()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/status");
        request.Headers.Add("Origin", "http://evil.example");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void HostNames_WildcardListenWithAllowedHosts_LoopbackNamesAndTheListedOnes()
    {
        Assert.Equal(["localhost", "127.0.0.1", "[::1]", "10.0.0.5"], new HttpOptions { Listen = "10.0.0.5:9464" }.HostNames);
        Assert.Equal(["localhost", "127.0.0.1", "[::1]", "signals.internal", "box1"], new HttpOptions { Listen = "0.0.0.0:9464", AllowedHosts = "signals.internal, box1" }.HostNames);
    }

    [Fact]
    public void Load_HttpLimits_ReadWithDefaultsFromTheOptionsAndRangesChecked()
    {
        var defaults = ConfigLoader.Parse("c.yaml", "host:\n  http:\n    listen: 127.0.0.1:9464\n").Host.Http;
        Assert.Equal(new HttpOptions(), defaults);
        var set = ConfigLoader.Parse("c.yaml", "host:\n  http:\n    required: true\n    max_connections: 32\n    keep_alive_timeout: 3s\n    request_headers_timeout: 2s\n    max_request_header_bytes: 8192\n    max_request_body_bytes: 0\n    allowed_hosts: box1\n").Host.Http;
        Assert.Equal((true, 32, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2), 8192, 0, "box1"),
            (set.Required, set.MaxConnections, set.KeepAliveTimeout, set.RequestHeadersTimeout, set.MaxRequestHeaderBytes, set.MaxRequestBodyBytes, set.AllowedHosts));
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("c.yaml", "host:\n  http:\n    max_connections: 0\n"));
        Assert.Contains("host.http.max_connections", error.Message);
    }

    [Fact]
    public async Task Start_PortTaken_StateFailedWithTheReasonAndNothingThrown()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var status = new HostStatus(TimeProvider.System);
        var config = AlphaHostConfig.Default("taken.yaml") is var c ? c with { Host = c.Host with { Http = new HttpOptions { Listen = $"127.0.0.1:{port}" } } } : null!;
        await using var daemon = Daemon(config, status, new SignalFeed());
        var endpoint = new HttpEndpointService(daemon.GetRequiredService<ConfigStore>(), status, daemon.GetRequiredService<SignalFeed>(), daemon, NullLogger<HttpEndpointService>.Instance);

        await endpoint.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => status.HttpEndpoint.State != HttpState.Starting);
        await endpoint.StopAsync(CancellationToken.None);

        Assert.Equal(HttpState.Failed, status.HttpEndpoint.State);
        Assert.Equal($"FAULT(address 127.0.0.1:{port} in use)", status.HttpEndpoint.Text);
        Assert.Contains($"http=FAULT(address 127.0.0.1:{port} in use)", HeartbeatText(status, config));
    }

    private static string HeartbeatText(HostStatus status, AlphaHostConfig config) =>
        "http=" + HeartbeatLine.Of(DaemonStatus.Of(status, config, TimeProvider.System)).Http;

    private void Publish(FamilyState ml) => _status.Publish(new CycleReport
    {
        Cycle = 1, MarketDate = new DateOnly(2026, 11, 30), FreshSymbols = 1, UniverseSize = 1, BenchmarkFresh = true,
        Families = [new("ml_alpha", true, false, ml, true, ml == FamilyState.Ok ? 0 : 9, ml == FamilyState.Ok ? null : "tripped: feature_mismatch", 3)],
    }, TimeSpan.FromMilliseconds(1));

    private static async Task Listening(HostStatus status)
    {
        await Poll.UntilAsync(() => status.HttpEndpoint.State != HttpState.Starting);
        Assert.Equal(HttpState.Listening, status.HttpEndpoint.State);
    }

    private static ServiceProvider Daemon(AlphaHostConfig config, HostStatus status, SignalFeed feed)
    {
        var services = new ServiceCollection();
        var store = new ConfigStore(config, NullLogger<ConfigStore>.Instance);
        var logs = new LogFileHealth();
        services.AddSingleton(status).AddSingleton(store).AddSingleton(feed).AddSingleton(TimeProvider.System).AddSingleton(logs);
        services.AddSingleton(DaemonIdentity.Of(config, RuntimePaths.From(config), TimeProvider.System));
        services.AddSingleton<Serilog.ILogger>(Serilog.Core.Logger.None);
        services.AddSingleton(new AlphaHostMetrics(status, store, TimeProvider.System, logs, feed: feed, meterName: "AlphaHost.Tests." + Guid.NewGuid().ToString("N")));
        return services.BuildServiceProvider();
    }
}
