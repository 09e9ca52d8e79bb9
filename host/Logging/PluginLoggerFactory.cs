using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace AlphaHost.Host.Logging;

/// <summary>
/// The logger factory of an in-process family: every logger it makes (the family's context logger, and those its own
/// classes get through dependency injection) hands its events, with the properties of the event and of its scopes, to the
/// family's <see cref="PluginLogGate"/>, exactly as a worker's forwarded events are. INFO and above, as in a worker.
/// </summary>
internal sealed class PluginLoggerFactory(PluginLogGate gate) : ILoggerFactory
{
    private readonly LoggerExternalScopeProvider _scopes = new();

    public ILogger CreateLogger(string categoryName) => new GateLogger(gate, _scopes);

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("plugins log through the host's pipeline; they cannot add logging providers");

    public void Dispose()
    {
        // The gate belongs to the family's slot.
    }

    private sealed class GateLogger(PluginLogGate gate, LoggerExternalScopeProvider scopes) : ILogger
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

            var (template, pairs) = LoggerCall.Properties(state, scopes);
            var properties = pairs.Where(p => LogEventProperty.IsValidName(p.Key)).Select(p => KeyValuePair.Create(p.Key, Value(p.Value, 0))).ToList();
            gate.Write(Level(logLevel), template, LoggerCall.Message(formatter, state, exception), properties, exception);
        }

        private static LogEventLevel Level(LogLevel level) => level switch
        {
            LogLevel.Information => LogEventLevel.Information,
            LogLevel.Warning => LogEventLevel.Warning,
            LogLevel.Error => LogEventLevel.Error,
            _ => LogEventLevel.Fatal,
        };

        private static LogEventPropertyValue Value(object? value, int depth) => value switch
        {
            null or string or bool or int or long or short or byte or uint or ulong or ushort or sbyte or double or float or decimal
                or DateTime or DateTimeOffset or DateOnly => new ScalarValue(value),
            IDictionary dictionary when depth < MaxDepth => new DictionaryValue(dictionary.Cast<DictionaryEntry>()
                .Select(e => KeyValuePair.Create(new ScalarValue(e.Key.ToString() ?? ""), Value(e.Value, depth + 1)))),
            IEnumerable sequence when depth < MaxDepth => new SequenceValue(sequence.Cast<object?>().Select(v => Value(v, depth + 1))),
            IFormattable formattable => new ScalarValue(formattable.ToString(null, CultureInfo.InvariantCulture)),
            _ => new ScalarValue(value.ToString()),
        };
    }
}
