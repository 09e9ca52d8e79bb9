namespace AlphaHost.Host.Logging;

/// <summary>
/// Who speaks in a log record: every record carries <c>origin</c>, <c>host</c> for the daemon's own and <c>plugin</c> for
/// a family's, which also carries <c>family</c> and <c>instance</c>. Readers of the host's voice (the heartbeat,
/// governance and alert lines) select on it.
/// </summary>
internal static class LogOrigin
{
    /// <summary>The property naming who speaks.</summary>
    public const string Property = "origin";

    public const string Host = "host";

    public const string Plugin = "plugin";

    /// <summary>The exported family of a plugin event.</summary>
    public const string Family = "family";

    /// <summary>The configured instance of a plugin event (its <c>component</c> too).</summary>
    public const string Instance = "instance";

    /// <summary>Where a plugin's own property of a host-owned name goes: <c>component</c> becomes <c>plugin_component</c>.</summary>
    public const string MovedPrefix = "plugin_";

    /// <summary>Whether a record (parsed from a log file) is the host's own.</summary>
    public static bool IsHost(System.Text.Json.JsonElement record) =>
        record.TryGetProperty(Property, out var origin) && origin.ValueKind == System.Text.Json.JsonValueKind.String && origin.GetString() == Host;
}
