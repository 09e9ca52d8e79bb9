namespace AlphaHost.Host.Configuration;

/// <summary>An invalid configuration file: names the file, the line and the key path.</summary>
internal sealed class ConfigException(string file, int line, string keyPath, string problem)
    : Exception(line > 0 ? $"{file}:{line}: {keyPath}: {problem}" : $"{file}: {keyPath}: {problem}")
{
    public string File { get; } = file;

    public int Line { get; } = line;

    public string KeyPath { get; } = keyPath;
}
