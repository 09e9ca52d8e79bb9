using System.Net;
using System.Net.Sockets;
using AlphaHost.Host.Alerts;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Internal;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlphaHost.Tests.Alerts;

/// <summary>A webhook URL is a credential: only its scheme, host and port may show anywhere.</summary>
public sealed class WebhookRedactionTests : IDisposable
{
    private const string Token = "xoxb-4f9c2d7e1a";
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData("https://hooks.example/services/T00/B00/" + Token, "https://hooks.example/***")]
    [InlineData("https://hooks.example:8443/hook?key=" + Token, "https://hooks.example:8443/***")]
    [InlineData("http://ops:" + Token + "@127.0.0.1:9000/", "http://127.0.0.1:9000/***")]
    [InlineData("not a url " + Token, "***")]
    [InlineData("", "")]
    public void Url_TokenInPathQueryOrUserInfo_OnlySchemeHostAndPortShow(string url, string expected)
    {
        Assert.Equal(expected, Redact.Url(url));
    }

    [Fact]
    public void In_ErrorQuotingTheUrlOrItsPath_HidesTheToken()
    {
        var url = $"https://hooks.example/services/{Token}?x=1";

        var text = Redact.In($"POST {url} failed; path /services/{Token}?x=1 not found", url);

        Assert.DoesNotContain(Token, text);
        Assert.Contains("https://hooks.example/***", text);
    }

    [Fact]
    public async Task Deliver_WebhookUnreachable_NoLogEventOrPropertyCarriesTheToken()
    {
        var url = $"http://ops:{Token}@127.0.0.1:{ClosedPort()}/services/{Token}/hook?key={Token}";
        var config = new ConfigStore(AlphaHostConfig.Default(_dir.File("alerts.yaml")) with
        {
            Alerts = new AlertOptions { Webhook = url, Retries = 1, RetryDelay = TimeSpan.FromMilliseconds(10) },
        }, NullLogger<ConfigStore>.Instance);
        var log = new CapturingLogger<AlertDispatcher>();
        using var dispatcher = new AlertDispatcher(config, TimeProvider.System, log);

        await dispatcher.DeliverAsync(new AlertEvent("halted", AlertEvent.Firing, null, "halted", DateTimeOffset.UnixEpoch, "HALTED", "ABSENT", [], null, 1, "alerts.yaml"), CancellationToken.None);

        var events = log.Snapshot();
        Assert.Contains(events, e => e.Message.Contains($"could not be delivered to webhook http://127.0.0.1:"));
        Assert.All(events, e =>
        {
            Assert.DoesNotContain(Token, e.Message);
            Assert.All(e.Properties.Values, v => Assert.DoesNotContain(Token, v?.ToString() ?? ""));
        });
    }

    [Fact]
    public void Load_WebhookNotHttp_ErrorNamesTheKeyWithoutTheValue()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("c.yaml", $"alerts:\n  webhook: ftp://hooks.example/{Token}\n"));

        Assert.Contains("alerts.webhook", error.Message);
        Assert.Contains("ftp://hooks.example/***", error.Message);
        Assert.DoesNotContain(Token, error.Message);
    }

    public void Dispose() => _dir.Dispose();

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
