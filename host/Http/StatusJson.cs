using System.Text.Json;
using System.Text.Json.Serialization;
using AlphaHost.Abstractions;
using AlphaHost.Host.Health;

namespace AlphaHost.Host.Http;

/// <summary>
/// How the endpoints write the status model: snake_case keys, states spelled as the heartbeat spells them. Records are
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
        Converters =
        {
            new StateConverter<SystemState>(StateText.Of),
            new StateConverter<ModelState>(StateText.Of),
            new StateConverter<FamilyState>(StateText.Of),
            new StateConverter<DataState>(StateText.Of),
        },
    };

    private sealed class StateConverter<T>(Func<T, string> text) : JsonConverter<T> where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var value = reader.GetString();
            return Enum.GetValues<T>().First(v => text(v) == value);
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(text(value));
    }
}
