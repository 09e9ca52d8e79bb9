namespace AlphaHost.Host.Configuration;

/// <summary>An invalid configuration file: names the file, the line (and, for YAML syntax, the column) and the key path.</summary>
internal sealed class ConfigException(string file, int line, string keyPath, string problem, int column = 0)
    : Exception($"{file}{Location(line, column)}: {keyPath}: {problem}")
{
    public string File { get; } = file;

    public int Line { get; } = line;

    /// <summary>The column of a YAML syntax error (1-based); 0 when the error is about a key rather than a character.</summary>
    public int Column { get; } = column;

    public string KeyPath { get; } = keyPath;

    private static string Location(int line, int column) =>
        line <= 0 ? "" : column <= 0 ? $":{line}" : $":{line}:{column}";
}
