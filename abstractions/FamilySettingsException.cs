namespace AlphaHost.Abstractions;

/// <summary>An invalid value in a family's configuration section.</summary>
/// <param name="key">The key path, e.g. <c>families.momentum.lookback_days</c>.</param>
/// <param name="message">What was wrong and what was expected.</param>
public sealed class FamilySettingsException(string key, string message) : Exception($"{key}: {message}")
{
    /// <summary>The key path of the invalid value.</summary>
    public string Key { get; } = key;
}
