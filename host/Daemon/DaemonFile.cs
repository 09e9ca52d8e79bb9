using System.Text.Json;
using System.Text.Json.Serialization;
using AlphaHost.Host.Internal;

namespace AlphaHost.Host.Daemon;

/// <summary>Reads and writes <c>runtime/daemon.json</c> (snake_case keys, ISO dates, durations as <c>hh:mm:ss</c>, states spelled by <see cref="Health.StateJson"/>).</summary>
internal static class DaemonFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { Health.StateJson.Instance },
    };

    /// <param name="path">The file.</param>
    /// <param name="record">What to write.</param>
    /// <param name="durable">fsync before the rename: for the first and the last record; the per-cycle ones describe a live
    /// process, which a power loss ends anyway.</param>
    public static void Write(string path, DaemonRecord record, bool durable) =>
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(record, Json), durable);

    public static string Serialize(DaemonRecord record) => JsonSerializer.Serialize(record, Json);

    /// <summary>The record, or null when the file is missing or unreadable (the daemon never leaves it half-written).</summary>
    public static DaemonRecord? TryRead(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<DaemonRecord>(File.ReadAllBytes(path), Json);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
