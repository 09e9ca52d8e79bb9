using Serilog.Core;
using Serilog.Events;

namespace AlphaHost.Host.Logging;

/// <summary>
/// Gives every event a <c>component</c>: the one the event already carries (e.g. <c>ML_GOVERNANCE</c>), else the
/// family name for a family's logger, else the short name of the logging class.
/// </summary>
internal sealed class ComponentEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Properties.ContainsKey(LoggingCategories.Component))
        {
            return;
        }

        var source = logEvent.Properties.TryGetValue("SourceContext", out var value) && value is ScalarValue { Value: string s } ? s : "host";
        var component = source.StartsWith(LoggingCategories.FamilyPrefix, StringComparison.Ordinal)
            ? source[LoggingCategories.FamilyPrefix.Length..]
            : source[(source.LastIndexOf('.') + 1)..];
        logEvent.AddPropertyIfAbsent(new LogEventProperty(LoggingCategories.Component, new ScalarValue(component)));
    }
}
