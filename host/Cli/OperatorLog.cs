using System.Text.Json;
using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Cli;

/// <summary><c>runtime/logs/operator.jsonl</c>: who changed what and why through the operator commands, one JSON object a line.</summary>
internal static class OperatorLog
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Append(RuntimePaths paths, TimeProvider clock, string command, string reason, object details)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(new
        {
            ts = clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            level = "WARNING",
            component = "OPERATOR",
            message = $"{command} by {Environment.UserName}@{Environment.MachineName}: {reason}",
            user = Environment.UserName,
            host = Environment.MachineName,
            command,
            reason,
            details,
        }, Json);
        JsonLines.Append(Path.Combine(paths.LogsDir, "operator.jsonl"), line, durable: false);
    }
}
