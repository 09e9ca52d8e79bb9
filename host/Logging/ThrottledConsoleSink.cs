using System.Globalization;
using Serilog.Core;
using Serilog.Events;

namespace AlphaHost.Host.Logging;

/// <summary>
/// Console output for people: INFO and DEBUG lines pass at most once per <c>window</c> per message template and subject
/// (the <c>Plugin</c> or <c>Family</c> the line is about, so four plugins loading show four lines), the next one shown
/// carrying the count of what was suppressed; WARNING and above always pass at once. Events with
/// <see cref="AlwaysShowProperty"/> (the final heartbeat) also pass. No stack traces: the files have them.
/// </summary>
internal sealed class ThrottledConsoleSink(TextWriter output, TimeProvider clock, TimeSpan window) : ILogEventSink
{
    public const string AlwaysShowProperty = "console_always";

    private readonly Dictionary<string, (DateTimeOffset Shown, int Suppressed)> _templates = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Emit(LogEvent logEvent)
    {
        var suppressed = 0;
        lock (_lock)
        {
            if (logEvent.Level < LogEventLevel.Warning && !logEvent.Properties.ContainsKey(AlwaysShowProperty))
            {
                var now = clock.GetUtcNow();
                var key = logEvent.MessageTemplate.Text + "|" + Subject(logEvent);
                if (_templates.TryGetValue(key, out var state) && now - state.Shown < window)
                {
                    _templates[key] = (state.Shown, state.Suppressed + 1);
                    return;
                }

                suppressed = state.Suppressed;
                _templates[key] = (now, 0);
            }

            var component = logEvent.Properties.TryGetValue(LoggingCategories.Component, out var c) && c is ScalarValue { Value: { } cv } ? cv : "host";
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{logEvent.Timestamp.ToUniversalTime():HH:mm:ss} {JsonLinesFormatter.LevelName(logEvent.Level),-7} {component}: {MessageRenderer.Render(logEvent)}");
            output.WriteLine(suppressed > 0 ? $"{line} (+{suppressed} similar suppressed)" : line);
            output.Flush();
        }
    }

    private static string Subject(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("Plugin", out var plugin) ? plugin.ToString()
        : logEvent.Properties.TryGetValue("Family", out var family) ? family.ToString()
        : "";
}
