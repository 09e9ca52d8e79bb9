using System.Text.Json;
using System.Text.Json.Serialization;
using AlphaHost.Storage;

namespace AlphaHost.Host.Combining;

/// <summary>
/// <c>runtime/combiner.json</c>: the learned combiner's <see cref="CombinerState"/>, replaced atomically after every
/// close it observes, read at start. A missing, unreadable or corrupt file (bad JSON, another layout, a non-finite
/// number) is not an error: learning starts again from the next close, with the configured weights until every family
/// has <see cref="CombinerOptions.MinDays"/> days, and the reason is one line for the log.
/// </summary>
internal static class CombinerStateFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>The state in <paramref name="path"/>, or the empty state and why it could not be used.</summary>
    public static (CombinerState State, string? Problem) Load(string path)
    {
        if (!File.Exists(path))
        {
            return (CombinerState.Empty, $"no combiner state at {path}: learning from the next close, configured weights until then");
        }

        try
        {
            var file = JsonSerializer.Deserialize<StoredState>(File.ReadAllBytes(path), Json);
            return file?.Layout == CombinerState.Layout && file.State is { } state && Valid(state)
                ? (state, null)
                : (CombinerState.Empty, $"combiner state {path} is not layout {CombinerState.Layout} with finite values: learning again from the next close, configured weights until then");
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return (CombinerState.Empty, $"combiner state {path} cannot be read ({ex.Message.Split('\n')[0]}): learning again from the next close, configured weights until then");
        }
    }

    public static void Save(string path, CombinerState state) =>
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(new StoredState(CombinerState.Layout, state), Json), durable: false);

    private static bool Valid(CombinerState state) =>
        state.DaysSinceUpdate >= 0 && state.Weights is not null && state.Closes is not null && state.Families is not null
        && state.Weights.Values.All(w => double.IsFinite(w) && w >= 0) && state.Closes.Values.All(c => double.IsFinite(c) && c > 0)
        && state.Families.Values.All(f => f?.Returns is not null && f.Positions is not null && double.IsFinite(f.Turnover)
            && f.Returns.All(double.IsFinite) && f.Positions.Values.All(double.IsFinite));

    private sealed record StoredState(int Layout, CombinerState? State);
}
