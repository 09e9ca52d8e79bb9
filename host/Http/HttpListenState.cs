using AlphaHost.Host.Health;

namespace AlphaHost.Host.Http;

/// <summary>The HTTP endpoint's state, spelled by <see cref="StateText"/> (<c>disabled</c>, <c>starting</c>, <c>listening</c>, <c>failed</c>).</summary>
internal enum HttpState
{
    /// <summary><c>host.http.enabled: false</c>.</summary>
    Disabled,

    /// <summary>Binding its port.</summary>
    Starting,

    /// <summary>Serving on its address.</summary>
    Listening,

    /// <summary>Could not listen: the daemon runs without it, DEGRADED with <c>http_unavailable</c>.</summary>
    Failed,
}

/// <summary>Where the HTTP endpoint stands, for the status record (<see cref="DaemonStatus"/>).</summary>
/// <param name="State">Its state.</param>
/// <param name="Listen">The configured <c>host.http.listen</c>, or once listening the bound address (port 0 resolved).</param>
/// <param name="Error">Why it does not listen, when it failed.</param>
internal sealed record HttpListenState(HttpState State, string? Listen, string? Error = null)
{
    public static HttpListenState Disabled { get; } = new(HttpState.Disabled, null);

    /// <summary>The heartbeat's <c>http</c> field: the address, <c>off</c>, or <c>FAULT(reason)</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Text => State switch
    {
        HttpState.Listening => Listen!,
        HttpState.Disabled => "off",
        HttpState.Failed => $"FAULT({Error})",
        _ => StateText.Of(State),
    };
}
