using System.Globalization;
using Serilog.Events;
using Serilog.Parsing;

namespace AlphaHost.Host.Logging;

/// <summary>
/// Renders an event's message for people and for <c>jq</c>: strings without quotes, dates as yyyy-MM-dd,
/// numbers in invariant culture.
/// </summary>
internal static class MessageRenderer
{
    public static string Render(LogEvent logEvent)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is PropertyToken property && logEvent.Properties.TryGetValue(property.PropertyName, out var value))
            {
                switch (value)
                {
                    case ScalarValue { Value: string text }:
                        output.Write(text);
                        break;
                    case ScalarValue { Value: DateOnly date }:
                        output.Write(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                        break;
                    default:
                        value.Render(output, property.Format, CultureInfo.InvariantCulture);
                        break;
                }
            }
            else
            {
                token.Render(logEvent.Properties, output, CultureInfo.InvariantCulture);
            }
        }

        return output.ToString();
    }
}
