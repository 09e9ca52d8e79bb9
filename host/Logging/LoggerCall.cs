using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Logging;

/// <summary>
/// What one <see cref="ILogger.Log{TState}"/> call of a family carries, read the same way wherever its events go (the
/// worker's frame, the in-process family's gate): the rendered message, its template, and the properties of the event
/// then of its scopes, outermost scope last, in order and with repeats (each reader keeps what it may).
/// </summary>
internal static class LoggerCall
{
    public const string OriginalFormat = "{OriginalFormat}";

    /// <summary>The message; a formatter that throws (a plugin's own state type) gives a line saying so instead.</summary>
    public static string Message<TState>(Func<TState, Exception?, string> formatter, TState state, Exception? exception)
    {
        try
        {
            return formatter(state, exception);
        }
        catch (Exception ex)
        {
            return $"(message could not be formatted: {ex.Message})";
        }
    }

    /// <summary>The template (<c>{OriginalFormat}</c> of the event, not of a scope) and every other property.</summary>
    public static (string? Template, List<KeyValuePair<string, object?>> Properties) Properties<TState>(TState state, IExternalScopeProvider scopes)
    {
        string? template = null;
        var properties = new List<KeyValuePair<string, object?>>();
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (var pair in pairs)
            {
                if (pair.Key == OriginalFormat)
                {
                    template = pair.Value?.ToString();
                }
                else
                {
                    properties.Add(pair);
                }
            }
        }

        scopes.ForEachScope((scope, list) =>
        {
            if (scope is IEnumerable<KeyValuePair<string, object?>> scoped)
            {
                list.AddRange(scoped.Where(p => p.Key != OriginalFormat));
            }
        }, properties);
        return (template, properties);
    }
}
