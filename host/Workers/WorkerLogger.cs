using System.Collections;
using System.Text.Json;
using AlphaHost.Host.Logging;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Workers;

/// <summary>
/// The worker side of log forwarding: every logger a family gets writes its events (template, rendered message,
/// properties, scope properties and exception) as <see cref="FrameType.Log"/> frames to the host, which writes them
/// into its own pipeline with the family as <c>component</c>.
/// </summary>
internal sealed class WorkerLoggerFactory(Action<Frame> send) : ILoggerFactory
{
    private readonly LoggerExternalScopeProvider _scopes = new();

    public ILogger CreateLogger(string categoryName) => new ForwardingLogger(send, _scopes);

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("plugins log through the host's pipeline; they cannot add logging providers");

    public void Dispose()
    {
    }

    private sealed class ForwardingLogger(Action<Frame> send, LoggerExternalScopeProvider scopes) : ILogger
    {
        private const int MaxDepth = 4;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteNumber("level", (int)logLevel);
                json.WriteString("message", LoggerCall.Message(formatter, state, exception));
                json.WriteStartObject("properties");
                var (template, properties) = LoggerCall.Properties(state, scopes);
                if (template is not null)
                {
                    json.WriteString(LoggerCall.OriginalFormat, template);
                }

                var written = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (key, value) in properties)
                {
                    if (written.Add(key))
                    {
                        json.WritePropertyName(key);
                        WriteValue(json, value, 0);
                    }
                }

                json.WriteEndObject();
                if (exception is not null)
                {
                    json.WriteString("exception", exception.ToString());
                }

                json.WriteEndObject();
            }

            send(new Frame(FrameType.Log, 0, buffer.ToArray()));
        }

        private static void WriteValue(Utf8JsonWriter json, object? value, int depth)
        {
            switch (value)
            {
                case null:
                    json.WriteNullValue();
                    break;
                case string s:
                    json.WriteStringValue(s);
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
                case IDictionary dictionary when depth < MaxDepth:
                    json.WriteStartObject();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        json.WritePropertyName(entry.Key.ToString() ?? "");
                        WriteValue(json, entry.Value, depth + 1);
                    }

                    json.WriteEndObject();
                    break;
                case IEnumerable sequence when depth < MaxDepth:
                    json.WriteStartArray();
                    foreach (var item in sequence)
                    {
                        WriteValue(json, item, depth + 1);
                    }

                    json.WriteEndArray();
                    break;
                case IFormattable formattable:
                    json.WriteStringValue(formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    json.WriteStringValue(value.ToString());
                    break;
            }
        }
    }
}
