using System.Text.Json;
using AlphaHost.Host.Logging;
using Serilog.Events;

namespace AlphaHost.Host.Workers;

/// <summary>A log event a worker sent (JSON: level, message, template and properties, exception text), turned back into a Serilog event of its family.</summary>
internal static class WorkerLogEvent
{
    /// <summary>Hands a worker's log event to the family's gate, which stamps it as the family's own event; returns why it could not be read, or null.</summary>
    public static string? Forward(byte[] payload, PluginLogGate gate)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            var level = root.GetProperty("level").GetInt32() switch
            {
                <= 1 => LogEventLevel.Debug,
                2 => LogEventLevel.Information,
                3 => LogEventLevel.Warning,
                4 => LogEventLevel.Error,
                _ => LogEventLevel.Fatal,
            };
            var properties = new List<KeyValuePair<string, LogEventPropertyValue>>();
            string? template = null;
            foreach (var property in root.GetProperty("properties").EnumerateObject())
            {
                if (property.Name == "{OriginalFormat}")
                {
                    template = property.Value.GetString();
                }
                else if (LogEventProperty.IsValidName(property.Name))
                {
                    properties.Add(new(property.Name, Value(property.Value)));
                }
            }

            var message = root.GetProperty("message").GetString() ?? "";
            var exception = root.TryGetProperty("exception", out var ex) ? new WorkerLoggedException(ex.GetString() ?? "") : null;
            gate.Write(level, template, message, properties, exception);
            return null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            return ex.Message;
        }
    }

    private static LogEventPropertyValue Value(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => new ScalarValue(element.GetString()),
        JsonValueKind.Number => element.TryGetInt64(out var whole) ? new ScalarValue(whole) : new ScalarValue(element.GetDouble()),
        JsonValueKind.True => new ScalarValue(true),
        JsonValueKind.False => new ScalarValue(false),
        JsonValueKind.Array => new SequenceValue(element.EnumerateArray().Select(Value)),
        JsonValueKind.Object => new DictionaryValue(element.EnumerateObject().Select(p => new KeyValuePair<ScalarValue, LogEventPropertyValue>(new ScalarValue(p.Name), Value(p.Value)))),
        _ => new ScalarValue(null),
    };
}
