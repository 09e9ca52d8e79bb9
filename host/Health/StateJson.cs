using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using AlphaHost.Abstractions;
using AlphaHost.Host.Http;

namespace AlphaHost.Host.Health;

/// <summary>
/// The one way a state enum is written to and read from JSON (<c>daemon.json</c>, <c>/api/status</c>, <c>ml status
/// --json</c>): as <see cref="StateText"/> spells it, never as a number or a member name. A spelling it does not know
/// reads as a <see cref="JsonException"/>, which readers of <c>daemon.json</c> treat as an unreadable file.
/// </summary>
internal sealed class StateJson : JsonConverterFactory
{
    private static readonly FrozenDictionary<Type, JsonConverter> Converters = new JsonConverter[]
    {
        new Spelled<SystemState>(StateText.Of),
        new Spelled<ModelState>(StateText.Of),
        new Spelled<FamilyState>(StateText.Of),
        new Spelled<DataState>(StateText.Of),
        new Spelled<DaemonRunState>(StateText.Of),
        new Spelled<FamilyMode>(StateText.Of),
        new Spelled<HttpState>(StateText.Of),
    }.ToFrozenDictionary(c => c.Type!);

    public static StateJson Instance { get; } = new();

    public override bool CanConvert(Type typeToConvert) => Converters.ContainsKey(typeToConvert);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) => Converters[typeToConvert];

    private sealed class Spelled<T>(Func<T, string> text) : JsonConverter<T> where T : struct, Enum
    {
        // Several members may share a spelling (FamilyState's catch-all DEGRADED); the first one reads back.
        private readonly FrozenDictionary<string, T> _byText = Enum.GetValues<T>().DistinctBy(text).ToFrozenDictionary(text, v => v, StringComparer.Ordinal);

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && _byText.TryGetValue(reader.GetString()!, out var value) ? value
                : throw new JsonException($"'{(reader.TokenType == JsonTokenType.String ? reader.GetString() : reader.TokenType.ToString())}' is not a {typeof(T).Name} (one of {string.Join(", ", _byText.Keys)})");

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(text(value));
    }
}
