using System.Text.Json;
using System.Text.Json.Serialization;
using AlphaHost.Host.Health;

namespace AlphaHost.Host.Http;

/// <summary>
/// How the endpoints write the status model: snake_case keys, states spelled as the heartbeat spells them (<see cref="StateJson"/>). Records are
/// serialised as they are, so a field added to the heartbeat, <c>daemon.json</c> or a family's status shows up without
/// a change here.
/// </summary>
internal static class StatusJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { StateJson.Instance },
    };
}
