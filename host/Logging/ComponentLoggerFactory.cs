using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Logging;

/// <summary>
/// The logger factory a plugin's own classes get (e.g. through <c>ILogger&lt;T&gt;</c>): every logger it makes writes
/// through the host's pipeline with a family's name as <c>component</c>: the family's own for a family class, else
/// <paramref name="fallback"/> (the plugin's single family, or its folder name).
/// </summary>
internal sealed class ComponentLoggerFactory(ILoggerFactory inner, IReadOnlyDictionary<string, string> familyByCategory, string fallback) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) =>
        inner.CreateLogger(LoggingCategories.FamilyPrefix + familyByCategory.GetValueOrDefault(categoryName, fallback));

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("plugins log through the host's pipeline; they cannot add logging providers");

    public void Dispose()
    {
        // The host owns the inner factory.
    }
}
