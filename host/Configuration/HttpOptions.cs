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
