using System.Globalization;
using AlphaHost.Abstractions;
using YamlDotNet.RepresentationModel;

namespace AlphaHost.Host.Configuration;

/// <summary>
/// Typed reads from one mapping of the YAML document. Every error names the file, line and full key path;
/// keys that nothing reads are reported as unknown.
/// </summary>
internal sealed class YamlSection
{
    private readonly string _file;
    private readonly YamlMappingNode? _node;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public YamlSection(string file, string path, YamlMappingNode? node)
    {
        _file = file;
        Path = path;
        _node = node;
    }

    public string Path { get; }

    public string File => _file;

    public int Line => _node is null ? 0 : (int)_node.Start.Line;

    public IEnumerable<(string Key, YamlNode Value)> Entries()
    {
        if (_node is null)
        {
            yield break;
        }

        foreach (var (keyNode, value) in _node.Children)
        {
            var key = keyNode is YamlScalarNode scalar && scalar.Value is { } text
                ? text
                : throw Error(keyNode, "(key)", "keys must be plain names");
            _read.Add(key);
            yield return (key, value);
        }
    }

    public IEnumerable<(string KeyPath, int Line)> UnreadKeys()
    {
        if (_node is null)
        {
            yield break;
        }

        foreach (var (keyNode, _) in _node.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            if (!_read.Contains(key))
            {
                yield return (Join(key), (int)keyNode.Start.Line);
            }
        }
    }

    public YamlSection Section(string key)
    {
        var node = Find(key);
        return node switch
        {
            null => new YamlSection(_file, Join(key), null),
            YamlMappingNode mapping => new YamlSection(_file, Join(key), mapping),
            YamlScalarNode scalar when IsNull(scalar) => new YamlSection(_file, Join(key), null),
            _ => throw Error(node, Join(key), "expected a section of key: value lines"),
        };
    }

    public YamlSection SectionOf(string key, YamlNode node) => node switch
    {
        YamlMappingNode mapping => new YamlSection(_file, Join(key), mapping),
        YamlScalarNode scalar when IsNull(scalar) => new YamlSection(_file, Join(key), null),
        _ => throw Error(node, Join(key), "expected a section of key: value lines"),
    };

    public bool Bool(string key, bool defaultValue)
    {
        if (Scalar(key) is not { } scalar)
        {
            return defaultValue;
        }

        return ParseBool(scalar, Join(key));
    }

    public bool ParseBool(YamlScalarNode scalar, string keyPath) => scalar.Value?.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw Error(scalar, keyPath, $"expected true or false, got '{scalar.Value}'"),
    };

    public int Int(string key, int defaultValue, int min, int max) => (int)Long(key, defaultValue, min, max);

    public long Long(string key, long defaultValue, long min, long max)
    {
        if (Scalar(key) is not { } scalar)
        {
            return defaultValue;
        }

        if (!long.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw Error(scalar, Join(key), $"expected a whole number, got '{scalar.Value}'");
        }

        return value < min || value > max ? throw Error(scalar, Join(key), $"must be between {min} and {max}, got {value}") : value;
    }

    public double Double(string key, double defaultValue, double min, double max)
    {
        if (Scalar(key) is not { } scalar)
        {
            return defaultValue;
        }

        if (!double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw Error(scalar, Join(key), $"expected a number, got '{scalar.Value}'");
        }

        return value < min || value > max
            ? throw Error(scalar, Join(key), FormattableString.Invariant($"must be between {min} and {max}, got {value}"))
            : value;
    }

    public TimeSpan Duration(string key, TimeSpan defaultValue, TimeSpan min, TimeSpan max) =>
        OptionalDuration(key, min, max) ?? defaultValue;

    public TimeSpan? OptionalDuration(string key, TimeSpan min, TimeSpan max)
    {
        if (Scalar(key) is not { } scalar)
        {
            return null;
        }

        var value = ParseDuration(scalar.Value ?? "")
            ?? throw Error(scalar, Join(key), $"expected a duration like 250ms, 2s, 5m or 1h, got '{scalar.Value}'");
        return value < min || value > max
            ? throw Error(scalar, Join(key), $"must be between {Format(min)} and {Format(max)}, got {scalar.Value}")
            : value;
    }

    public string String(string key, string defaultValue) => Scalar(key)?.Value ?? defaultValue;

    /// <summary>The line the key itself is written on (0 when absent).</summary>
    public int KeyLine(string key) =>
        _node?.Children.Keys.OfType<YamlScalarNode>().FirstOrDefault(k => k.Value == key) is { } node ? (int)node.Start.Line : 0;

    /// <summary>The key's text and line, or null when it is absent.</summary>
    public (string Value, int Line)? OptionalString(string key) => Scalar(key) is { } scalar ? (scalar.Value ?? "", (int)scalar.Start.Line) : null;

    public string OneOf(string key, string defaultValue, params string[] allowed)
    {
        var scalar = Scalar(key);
        var value = scalar?.Value ?? defaultValue;
        return allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw Error(scalar!, Join(key), $"expected one of {string.Join(", ", allowed)}, got '{value}'");
    }

    /// <summary>One of <paramref name="allowed"/>, or null when the key is absent.</summary>
    public string? OptionalOneOf(string key, params string[] allowed) => Scalar(key) is null ? null : OneOf(key, allowed[0], allowed);

    public ConfigException Error(YamlNode node, string keyPath, string problem) => new(_file, (int)node.Start.Line, keyPath, problem);

    public string Join(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    internal static TimeSpan? ParseDuration(string text) => DurationText.Parse(text);

    private static string Format(TimeSpan span) => DurationText.Format(span);

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null";

    private YamlNode? Find(string key)
    {
        _read.Add(key);
        if (_node is null)
        {
            return null;
        }

        return _node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
    }

    private YamlScalarNode? Scalar(string key)
    {
        var node = Find(key);
        return node switch
        {
            null => null,
            YamlScalarNode scalar when IsNull(scalar) => null,
            YamlScalarNode scalar => scalar,
            _ => throw Error(node, Join(key), "expected a single value, got a section or list"),
        };
    }
}
