using System.Globalization;

namespace AlphaHost.Abstractions;

/// <summary>
/// A family's configuration section (<c>families.&lt;name&gt;</c>) as flat scalar values. The typed getters
/// throw <see cref="FamilySettingsException"/> naming the full key path when a value does not parse or is
/// out of range. Keys a family never reads are reported to the operator as unknown.
/// </summary>
public sealed class FamilySettings
{
    private readonly IReadOnlyDictionary<string, string> _values;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    /// <summary>Creates settings for a section.</summary>
    /// <param name="path">The section's key path, e.g. <c>families.momentum</c>.</param>
    /// <param name="values">Scalar values by key (nested keys joined with dots).</param>
    public FamilySettings(string path, IReadOnlyDictionary<string, string> values)
    {
        Path = path;
        _values = values;
    }

    /// <summary>The section's key path.</summary>
    public string Path { get; }

    /// <summary>Every key present in the section.</summary>
    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>Keys present in the section that no getter has read.</summary>
    public IEnumerable<string> UnreadKeys => _values.Keys.Where(k => !_read.Contains(k));

    /// <summary>Reads a number, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">Key within the section.</param>
    /// <param name="defaultValue">Value when the key is absent.</param>
    /// <param name="min">Smallest allowed value.</param>
    /// <param name="max">Largest allowed value.</param>
    public double GetDouble(string key, double defaultValue, double min = double.MinValue, double max = double.MaxValue)
    {
        if (!TryGet(key, out var raw))
        {
            return defaultValue;
        }

        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw Invalid(key, $"expected a number, got '{raw}'");
        }

        return value < min || value > max ? throw Invalid(key, $"must be between {min} and {max}, got {raw}") : value;
    }

    /// <summary>Reads a whole number, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">Key within the section.</param>
    /// <param name="defaultValue">Value when the key is absent.</param>
    /// <param name="min">Smallest allowed value.</param>
    /// <param name="max">Largest allowed value.</param>
    public int GetInt(string key, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!TryGet(key, out var raw))
        {
            return defaultValue;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw Invalid(key, $"expected a whole number, got '{raw}'");
        }

        return value < min || value > max ? throw Invalid(key, $"must be between {min} and {max}, got {raw}") : value;
    }

    /// <summary>Reads <c>true</c> or <c>false</c>, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">Key within the section.</param>
    /// <param name="defaultValue">Value when the key is absent.</param>
    public bool GetBool(string key, bool defaultValue)
    {
        if (!TryGet(key, out var raw))
        {
            return defaultValue;
        }

        return bool.TryParse(raw, out var value) ? value : throw Invalid(key, $"expected true or false, got '{raw}'");
    }

    /// <summary>Reads a duration (<c>250ms</c>, <c>2s</c>, <c>5m</c>, <c>1h</c>), or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">Key within the section.</param>
    /// <param name="defaultValue">Value when the key is absent.</param>
    /// <param name="min">Shortest allowed value.</param>
    /// <param name="max">Longest allowed value.</param>
    public TimeSpan GetDuration(string key, TimeSpan defaultValue, TimeSpan min, TimeSpan max)
    {
        if (!TryGet(key, out var raw))
        {
            return defaultValue;
        }

        var value = DurationText.Parse(raw) ?? throw Invalid(key, $"expected a duration like 250ms, 2s, 5m or 1h, got '{raw}'");
        return value < min || value > max
            ? throw Invalid(key, $"must be between {DurationText.Format(min)} and {DurationText.Format(max)}, got {raw}")
            : value;
    }

    /// <summary>Reads a string, or <paramref name="defaultValue"/> when absent.</summary>
    /// <param name="key">Key within the section.</param>
    /// <param name="defaultValue">Value when the key is absent.</param>
    public string GetString(string key, string defaultValue) => TryGet(key, out var raw) ? raw : defaultValue;

    private bool TryGet(string key, out string raw)
    {
        _read.Add(key);
        return _values.TryGetValue(key, out raw!);
    }

    private FamilySettingsException Invalid(string key, string message) => new($"{Path}.{key}", message);
}
