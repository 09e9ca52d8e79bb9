using System.Net;

namespace AlphaHost.Host.Configuration;

/// <summary>The <c>host.http:</c> section: the daemon's HTTP endpoint (metrics, probes, status, signals, dashboard).</summary>
internal sealed record HttpOptions
{
    /// <summary>Whether the daemon serves HTTP at all.</summary>
    /// <value>The default value is true.</value>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// <c>address:port</c> to listen on: an IPv4 address, an IPv6 address in brackets, or <c>localhost</c>. Port 0 lets the
    /// system pick a free port; the bound address is written to <c>daemon.json</c> (<c>http.listen</c>).
    /// </summary>
    /// <value>The default value is <c>127.0.0.1:9464</c>.</value>
    public string Listen { get; init; } = "127.0.0.1:9464";

    /// <summary>
    /// Whether the daemon refuses to run without its endpoint: <c>run</c> exits 2 at start when it cannot listen. False:
    /// it runs on DEGRADED (<c>http_unavailable</c>).
    /// </summary>
    /// <value>The default value is false.</value>
    public bool Required { get; init; }

    /// <summary>
    /// Connections served at once; one more is accepted and closed at once, so a local client holding thousands of idle
    /// connections costs the daemon at most this many file descriptors. Above the signal stream's 64 clients.
    /// </summary>
    /// <value>The default value is 128.</value>
    public int MaxConnections { get; init; } = 128;

    /// <summary>Time a client has to send a request's headers before its connection is closed.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time an idle keep-alive connection stays open.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest request line and headers together, in bytes (<c>431</c> beyond).</summary>
    /// <value>The default value is 16384.</value>
    public int MaxRequestHeaderBytes { get; init; } = 16 * 1024;

    /// <summary>Largest request body, in bytes (<c>413</c> beyond); every route is a GET.</summary>
    /// <value>The default value is 4096.</value>
    public int MaxRequestBodyBytes { get; init; } = 4096;

    /// <summary>
    /// Host names accepted in the <c>Host</c> header besides <c>localhost</c>, the loopback addresses and the configured
    /// address: comma-separated (e.g. the machine's name when listening on <c>0.0.0.0</c>). Any other gets <c>400</c>, so a
    /// web page cannot reach the endpoint through DNS rebinding.
    /// </summary>
    /// <value>The default value is empty.</value>
    public string AllowedHosts { get; init; } = "";

    /// <summary>The <c>Host</c> header values accepted (no port): loopback names, the configured address, <see cref="AllowedHosts"/>.</summary>
    public IReadOnlyList<string> HostNames =>
    [
        "localhost", "127.0.0.1", "[::1]",
        .. Address is { } address && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any)
            ? [address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString()]
            : Array.Empty<string>(),
        .. AllowedHosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
    ];

    /// <summary>The address to bind, or null for <c>localhost</c> (both loopback addresses).</summary>
    public IPAddress? Address => Parse(Listen)!.Value.Address;

    public int Port => Parse(Listen)!.Value.Port;

    /// <summary>Whether only this machine can reach the endpoint.</summary>
    public bool IsLoopback => Address is null || IPAddress.IsLoopback(Address);

    /// <summary>The address and port of <paramref name="listen"/>, or null when it is not <c>address:port</c>.</summary>
    public static (IPAddress? Address, int Port)? Parse(string listen)
    {
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port > IPEndPoint.MaxPort)
        {
            return null;
        }

        var host = listen[..colon];
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return (null, port);
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':'))
        {
            return null;
        }

        return IPAddress.TryParse(host, out var address) ? (address, port) : null;
    }
}
