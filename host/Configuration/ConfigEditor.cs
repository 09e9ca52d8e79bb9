using System.Text.RegularExpressions;
using AlphaHost.Host.Internal;

namespace AlphaHost.Host.Configuration;

/// <summary>
/// Changes one <c>features.&lt;flag&gt;</c> value in the golden config the way an operator would with an editor: only that
/// value changes, comments and layout stay. The new text is validated before it replaces the file, and it replaces it
/// atomically, so a running daemon reads either the old file or the new one.
/// </summary>
internal static partial class ConfigEditor
{
    /// <summary>Sets the flag; returns its previous value (null when it was not set).</summary>
    public static bool? SetFeatureFlag(string path, string flag, bool value)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, 0, "features", $"cannot read the file: {ex.Message}");
        }

        var current = ConfigLoader.Parse(path, text);
        bool? previous = current.Features.TryGetValue(flag, out var old) ? old.Value : null;
        var updated = Replace(text, flag, value ? "true" : "false");
        var parsed = ConfigLoader.Parse(path, updated);
        if (!parsed.Features.TryGetValue(flag, out var check) || check.Value != value)
        {
            throw new ConfigException(path, 0, $"features.{flag}", "the edit did not take; edit the file by hand");
        }

        AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(updated));
        return previous;
    }

    private static string Replace(string text, string flag, string value)
    {
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = text.Split(newline).ToList();
        var section = lines.FindIndex(l => SectionPattern().IsMatch(l));
        if (section < 0)
        {
            var insertAt = lines.Count > 0 && lines[^1].Length == 0 ? lines.Count - 1 : lines.Count;
            lines.InsertRange(insertAt, ["features:", $"  {flag}: {value}"]);
            return string.Join(newline, lines);
        }

        var indent = "  ";
        for (var i = section + 1; i < lines.Count && (lines[i].Length == 0 || lines[i][0] is ' ' or '\t' or '#'); i++)
        {
            var match = KeyPattern().Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }

            indent = match.Groups["indent"].Value;
            if (match.Groups["key"].Value == flag)
            {
                lines[i] = $"{indent}{flag}: {value}{match.Groups["rest"].Value}";
                return string.Join(newline, lines);
            }
        }

        lines.Insert(section + 1, $"{indent}{flag}: {value}");
        return string.Join(newline, lines);
    }

    [GeneratedRegex(@"^features:\s*(#.*)?$")]
    private static partial Regex SectionPattern();

    [GeneratedRegex(@"^(?<indent>[ \t]+)(?<key>[A-Za-z0-9_]+):[ \t]*(?<value>[^#\s]*)(?<rest>[ \t]*(#.*)?)$")]
    private static partial Regex KeyPattern();
}
