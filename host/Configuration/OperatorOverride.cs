using System.Text.Json;
using System.Text.Json.Serialization;
using AlphaHost.Host.Internal;

namespace AlphaHost.Host.Configuration;

/// <summary>
/// <c>runtime/operator-override.json</c>: family instances an operator holds disabled whatever the config file says, so
/// that the kill switch works while the YAML does not parse. Written by <c>ml disable</c> (atomically), removed by
/// <c>ml enable</c>; the daemon reads it before its config on every pass.
/// </summary>
/// <param name="Disabled">The family instances held disabled.</param>
/// <param name="Reason">Why, as the operator gave it.</param>
/// <param name="By">Who (<c>user@host</c>).</param>
/// <param name="At">When.</param>
internal sealed record OperatorOverride(IReadOnlyList<string> Disabled, string Reason, string By, DateTimeOffset At)
{
    public const string FileName = "operator-override.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static string PathIn(RuntimePaths paths) => System.IO.Path.Combine(paths.RuntimeDir, FileName);

    /// <summary>The override in force, or null when there is no file.</summary>
    /// <exception cref="ConfigException">The file cannot be read or is not an override.</exception>
    public static OperatorOverride? Read(string path)
    {
        try
        {
            return File.Exists(path) ? Parse(path, File.ReadAllText(path)) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, 0, "(file)", $"cannot read the operator override: {ex.Message}");
        }
    }

    /// <summary>Replaces the file atomically; removes it when nothing is held disabled.</summary>
    public static void Write(string path, OperatorOverride? value)
    {
        if (value is null || value.Disabled.Count == 0)
        {
            File.Delete(path);
            return;
        }

        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(value, Json), durable: true);
    }

    /// <summary>Whether two overrides hold the same instances for the same reason (null: none).</summary>
    public static bool Same(OperatorOverride? a, OperatorOverride? b) =>
        a is null || b is null ? a is null && b is null
        : a.Disabled.SequenceEqual(b.Disabled, StringComparer.Ordinal) && a.Reason == b.Reason && a.By == b.By && a.At == b.At;

    /// <summary>One line for logs and <c>ml status</c>.</summary>
    public string Describe() => $"{string.Join(", ", Disabled)} held disabled by {By} at {OperatorText.Time(At)}: {Reason}";

    private static OperatorOverride Parse(string path, string text)
    {
        try
        {
            var value = JsonSerializer.Deserialize<OperatorOverride>(text, Json);
            return value is { Disabled: not null, Reason: not null, By: not null }
                ? value
                : throw new ConfigException(path, 0, "(file)", "expected {\"disabled\": [instances], \"reason\", \"by\", \"at\"}");
        }
        catch (JsonException ex)
        {
            throw new ConfigException(path, (int)(ex.LineNumber ?? -1) + 1, "(json)", $"not an operator override: {ex.Message}");
        }
    }
}
