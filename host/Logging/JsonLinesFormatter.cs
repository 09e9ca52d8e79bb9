using System.Text.Encodings.Web;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;

namespace AlphaHost.Host.Logging;

/// <summary>
/// One JSON object per line: <c>ts</c> (ISO-8601 UTC), <c>level</c>, <c>component</c>, <c>origin</c> (<c>host</c> unless
/// <see cref="PluginLogGate"/> stamped <c>plugin</c>), <c>message</c> (rendered),
/// then every property of the event at the top level (structured values as nested objects), and
/// <c>exception</c> when there is one.
/// </summary>
internal sealed class JsonLinesFormatter : ITextFormatter
{
    private static readonly HashSet<string> Hidden = new(StringComparer.Ordinal) { "SourceContext", "EventId", "{OriginalFormat}", LoggingCategories.Component, LogOrigin.Property };
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("ts", logEvent.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(logEvent.Level));
            json.WriteString("component", logEvent.Properties.TryGetValue(LoggingCategories.Component, out var c) && c is ScalarValue { Value: { } cv } ? cv.ToString() : "host");
            json.WriteString(LogOrigin.Property, logEvent.Properties.TryGetValue(LogOrigin.Property, out var o) && o is ScalarValue { Value: string origin } ? origin : LogOrigin.Host);
            json.WriteString("message", MessageRenderer.Render(logEvent));
            foreach (var (name, value) in logEvent.Properties)
            {
                if (!Hidden.Contains(name))
                {
                    json.WritePropertyName(name);
                    WriteValue(json, value);
                }
            }

            if (logEvent.Exception is { } exception)
            {
                json.WriteString("exception", exception.ToString());
            }

            json.WriteEndObject();
        }

        output.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.Write('\n');
    }

    public static string LevelName(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "TRACE",
        LogEventLevel.Debug => "DEBUG",
        LogEventLevel.Information => "INFO",
        LogEventLevel.Warning => "WARNING",
        LogEventLevel.Error => "ERROR",
        _ => "CRITICAL",
    };

    private static void WriteValue(Utf8JsonWriter json, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue scalar:
                WriteScalar(json, scalar.Value);
                break;
            case SequenceValue sequence:
                json.WriteStartArray();
                foreach (var element in sequence.Elements)
                {
                    WriteValue(json, element);
                }

                json.WriteEndArray();
                break;
            case StructureValue structure:
                json.WriteStartObject();
                foreach (var property in structure.Properties)
                {
                    json.WritePropertyName(property.Name);
                    WriteValue(json, property.Value);
                }

                json.WriteEndObject();
                break;
            case DictionaryValue dictionary:
                json.WriteStartObject();
                foreach (var (key, element) in dictionary.Elements)
                {
                    json.WritePropertyName(key.Value?.ToString() ?? "null");
                    WriteValue(json, element);
                }

                json.WriteEndObject();
                break;
            default:
                json.WriteStringValue(value.ToString());
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case int or long or short or byte or uint or ulong or ushort or sbyte:
                json.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case double d when double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                json.WriteNumberValue(f);
                break;
            case decimal m:
                json.WriteNumberValue(m);
                break;
            case DateTimeOffset dto:
                json.WriteStringValue(dto.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                break;
            case DateTime dt:
                json.WriteStringValue(dt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                break;
            case DateOnly date:
                json.WriteStringValue(date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }
}
