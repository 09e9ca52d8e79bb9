using Microsoft.Extensions.Logging;

namespace AlphaHost.Tests.Support;

/// <summary>A logger that keeps every event with the properties of its scopes and its template, for asserting on log shape.</summary>
internal class CapturingLogger : ILogger
{
    private readonly List<Dictionary<string, object?>> _scopes = [];
    private readonly Lock _lock = new();

    public List<CapturedEvent> Events { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
    {
        var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [];
        lock (_lock)
        {
            _scopes.Add(properties);
        }

        return new Scope(this, properties);
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var scope in _scopes)
            {
                foreach (var (key, value) in scope)
                {
                    properties[key] = value;
                }
            }

            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                {
                    properties[key] = value;
                }
            }

            Events.Add(new CapturedEvent(logLevel, formatter(state, exception), properties));
        }
    }

    public IReadOnlyList<CapturedEvent> Snapshot()
    {
        lock (_lock)
        {
            return Events.ToArray();
        }
    }

    private sealed class Scope(CapturingLogger owner, Dictionary<string, object?> properties) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._scopes.Remove(properties);
            }
        }
    }
}

internal sealed record CapturedEvent(LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Properties);

/// <summary>A <see cref="CapturingLogger"/> for classes that take an <see cref="ILogger{T}"/>.</summary>
internal sealed class CapturingLogger<T> : CapturingLogger, ILogger<T>;
