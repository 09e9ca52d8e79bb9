namespace AlphaHost.Host.Http;

/// <summary>Where the HTTP endpoint stands, for the heartbeat, <c>daemon.json</c> and <c>/api/status</c>.</summary>
/// <param name="State"><c>disabled</c>, <c>starting</c>, <c>listening</c> or <c>failed</c>.</param>
/// <param name="Listen">The configured <c>host.http.listen</c>, or once listening the bound address (port 0 resolved).</param>
/// <param name="Error">Why it does not listen, when it failed.</param>
internal sealed record HttpListenState(string State, string? Listen, string? Error = null)
{
    public static HttpListenState Disabled { get; } = new("disabled", null);

    /// <summary>The heartbeat's <c>http</c> field: the address, <c>off</c>, or <c>FAULT(reason)</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Text => State switch
    {
        "listening" => Listen!,
        "disabled" => "off",
        "failed" => $"FAULT({Error})",
        _ => State,
    };
}
