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
        : this(path, values, null)
    {
    }

    /// <summary>Creates settings for a section of a config file whose relative paths are taken from <paramref name="baseDirectory"/>.</summary>
    /// <param name="path">The section's key path, e.g. <c>families.momentum</c>.</param>
    /// <param name="values">Scalar values by key (nested keys joined with dots).</param>
    /// <param name="baseDirectory">The config file's folder; null takes relative paths from the working directory.</param>
    public FamilySettings(string path, IReadOnlyDictionary<string, string> values, string? baseDirectory)
    {
        Path = path;
        _values = values;
        BaseDirectory = baseDirectory is null ? null : System.IO.Path.GetFullPath(baseDirectory);
    }

    /// <summary>The section's key path.</summary>
    public string Path { get; }

    /// <summary>The folder relative paths are taken from (the config file's folder); null means the working directory.</summary>
    public string? BaseDirectory { get; }

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

    /// <summary>
    /// Reads a file or folder path as a full path, or <paramref name="defaultValue"/> resolved the same way when absent. A
    /// relative path is taken from <see cref="BaseDirectory"/> (the config file's folder), so the family finds the same
    /// folder whatever the working directory of the process.
    /// </summary>
    /// <param name="key">Key within the section.</param>
    /// <param name="defaultValue">Value when the key is absent, relative or absolute.</param>
    public string GetPath(string key, string defaultValue)
    {
        var raw = GetString(key, defaultValue);
        if (raw.Length == 0)
        {
            throw Invalid(key, "expected a path, got an empty value");
        }

        try
        {
            return BaseDirectory is null ? System.IO.Path.GetFullPath(raw) : System.IO.Path.GetFullPath(raw, BaseDirectory);
        }
        catch (ArgumentException ex)
        {
            throw Invalid(key, $"'{raw}' is not a valid path: {ex.Message}");
        }
    }

    private bool TryGet(string key, out string raw)
    {
        _read.Add(key);
        return _values.TryGetValue(key, out raw!);
    }

    private FamilySettingsException Invalid(string key, string message) => new($"{Path}.{key}", message);
}
