using AlphaHost.Host.Configuration;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Configuration;

public sealed class HttpOptionsTests
{
    [Fact]
    public void Load_GoldenConfig_ServesHttpOnLoopback9464()
    {
        var http = ConfigLoader.Load(TestPaths.GoldenConfig).Host.Http;

        Assert.Equal((true, "127.0.0.1:9464", 9464, true), (http.Enabled, http.Listen, http.Port, http.IsLoopback));
    }

    [Fact]
    public void Load_NoHttpSection_DefaultsToEnabledOnLoopback()
    {
        var http = ConfigLoader.Parse("c.yaml", "host:\n  cycle_interval: 1s\n").Host.Http;

        Assert.Equal(new HttpOptions(), http);
        Assert.Equal("127.0.0.1:9464", http.Listen);
    }

    [Theory]
    [InlineData("127.0.0.1:0", 0, true)]
    [InlineData("localhost:9000", 9000, true)]
    [InlineData("[::1]:9464", 9464, true)]
    [InlineData("0.0.0.0:9464", 9464, false)]
    [InlineData("10.1.2.3:80", 80, false)]
    public void Load_ListenAddress_IsReadWithItsPortAndReach(string listen, int port, bool loopback)
    {
        var http = ConfigLoader.Parse("c.yaml", $"host:\n  http:\n    enabled: false\n    listen: \"{listen}\"\n").Host.Http;

        Assert.Equal((false, port, loopback), (http.Enabled, http.Port, http.IsLoopback));
    }

    [Theory]
    [InlineData("9464")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("myhost:9464")]
    [InlineData("::1:9464")]
    public void Load_BadListen_NamesFileLineAndKey(string listen)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("c.yaml", $"host:\n  http:\n    listen: \"{listen}\"\n"));

        Assert.Contains("c.yaml", error.Message);
        Assert.Contains("host.http.listen", error.Message);
        Assert.Contains(listen, error.Message);
    }

    [Fact]
    public void Load_UnknownKeyUnderHttp_IsWarnedAbout()
    {
        var config = ConfigLoader.Parse("c.yaml", "host:\n  http:\n    port: 9000\n");

        Assert.Contains(config.Warnings, w => w.Contains("host.http.port"));
    }
}
