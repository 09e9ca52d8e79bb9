using System.Text.RegularExpressions;
using AlphaHost.Host.Internal;

namespace AlphaHost.Host.Configuration;

/// <summary>
/// Changes one <c>features.&lt;flag&gt;</c> or <c>families.&lt;instance&gt;.enabled</c> value in the golden config the way an
/// operator would with an editor: only that
/// value changes, comments and layout stay. The new text is validated before it replaces the file, and it replaces it
/// atomically, so a running daemon reads either the old file or the new one.
/// <para>
/// Other programs may write the file at the same time (an operator's <c>sed -i</c>, a deployment tool), and a rename-on-save
/// writer that read the file before our rename puts its old copy back after it. So the edit is compare-and-swap: the file
/// is compared with what the edit was made from right before the rename, read back after it and once more a moment later,
/// and the edit is made again from the newer text when any of that shows another writer. A change is reported only when
/// the file was seen holding it; after <see cref="MaxAttempts"/> tries the edit is refused.
/// </para>
/// </summary>
internal static partial class ConfigEditor
{
    public const int MaxAttempts = 5;

    /// <summary>How long after the rename the file is read again: longer than a rename-on-save writer takes from its read to its rename.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    /// <summary>Sets the flag; returns its previous value (null when it was not set).</summary>
    /// <exception cref="ConfigException">The file cannot be read, is invalid, or the edit does not parse back.</exception>
    /// <exception cref="ConfigEditConflictException">Other writers changed the file under every attempt.</exception>
    public static Task<bool?> SetFeatureFlagAsync(string path, string flag, bool value, TimeProvider clock, CancellationToken cancellationToken = default) =>
        SetFeatureFlagAsync(path, flag, value, clock, edited: null, cancellationToken);

    /// <param name="edited">Called when an attempt has its new text ready, before the compare and the rename: where another
    /// writer's save is hardest to see (tests put one there).</param>
    internal static Task<bool?> SetFeatureFlagAsync(string path, string flag, bool value, TimeProvider clock, Action<int>? edited, CancellationToken cancellationToken = default) =>
        SetAsync(path, new Setting($"features.{flag}", c => c.Features.TryGetValue(flag, out var old) ? old.Value : null, (t, v) => ReplaceFlag(t, flag, v)),
            value, clock, edited, cancellationToken);

    /// <summary>Sets <c>families.&lt;instance&gt;.enabled</c> of an existing section; returns its previous value.</summary>
    /// <exception cref="ConfigException">The file cannot be read, is invalid, has no such section, or the edit does not parse back.</exception>
    /// <exception cref="ConfigEditConflictException">Other writers changed the file under every attempt.</exception>
    public static Task<bool?> SetFamilyEnabledAsync(string path, string instance, bool value, TimeProvider clock, CancellationToken cancellationToken = default) =>
        SetAsync(path, new Setting($"families.{instance}.enabled",
                c => c.Families.TryGetValue(instance, out var section) ? section.Enabled : throw new ConfigException(path, 0, $"families.{instance}", "there is no such section to change"),
                (t, v) => ReplaceEnabled(t, instance, v)),
            value, clock, edited: null, cancellationToken);

    private static async Task<bool?> SetAsync(string path, Setting setting, bool value, TimeProvider clock, Action<int>? edited, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var before = Read(path);
            var text = System.Text.Encoding.UTF8.GetString(before);
            var previous = setting.Value(ConfigLoader.Parse(path, text));
            if (previous != value)
            {
                var updated = setting.Replace(text, value ? "true" : "false");
                if (setting.Value(ConfigLoader.Parse(path, updated)) != value)
                {
                    throw new ConfigException(path, 0, setting.KeyPath, "the edit did not take; edit the file by hand");
                }

                edited?.Invoke(attempt);
                if (!AtomicFile.WriteIf(path, System.Text.Encoding.UTF8.GetBytes(updated), () => Read(path).AsSpan().SequenceEqual(before)))
                {
                    continue;
                }
            }

            if (Holds(path, setting, value))
            {
                await Task.Delay(Settle, clock, cancellationToken).ConfigureAwait(false);
                if (Holds(path, setting, value))
                {
                    return previous;
                }
            }
        }

        throw new ConfigEditConflictException(
            $"{path}: {setting.KeyPath}: another program changed the file during each of {MaxAttempts} attempts to set it to {(value ? "true" : "false")}; " +
            "the change is not confirmed, check the file and try again");
    }

    private static bool Holds(string path, Setting setting, bool value)
    {
        try
        {
            return setting.Value(ConfigLoader.Parse(path, System.Text.Encoding.UTF8.GetString(Read(path)))) == value;
        }
        catch (ConfigException)
        {
            // Another writer left it invalid for now: not ours, and not holding our value.
            return false;
        }
    }

    private static byte[] Read(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, 0, "features", $"cannot read the file: {ex.Message}");
        }
    }

    private static string ReplaceFlag(string text, string flag, string value)
    {
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = text.Split(newline).ToList();
        var section = lines.FindIndex(l => FeaturesPattern().IsMatch(l));
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

    /// <summary>
    /// The <c>enabled:</c> line of one instance's block under <c>families:</c> (inserted first in the block when absent), or
    /// its value in a one-line <c>{ ... }</c> section.
    /// </summary>
    private static string ReplaceEnabled(string text, string instance, string value)
    {
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = text.Split(newline).ToList();
        var families = lines.FindIndex(l => FamiliesPattern().IsMatch(l));
        string? level = null;
        for (var i = families + 1; families >= 0 && i < lines.Count && (lines[i].Length == 0 || lines[i][0] is ' ' or '\t' or '#'); i++)
        {
            var match = KeyPattern().Match(lines[i]);
            var flow = FlowSectionPattern().Match(lines[i]);
            var indent = match.Success ? match.Groups["indent"].Value : flow.Success ? flow.Groups["head"].Value[..^flow.Groups["head"].Value.TrimStart().Length] : null;
            level ??= indent;
            if (indent is null || indent != level)
            {
                continue;
            }

            if (match.Success && match.Groups["key"].Value == instance)
            {
                return string.Join(newline, EditBlock(lines, i, match.Groups["indent"].Value, value));
            }

            if (flow.Success && flow.Groups["key"].Value == instance)
            {
                var body = flow.Groups["body"].Value;
                body = EnabledInFlowPattern().IsMatch(body)
                    ? EnabledInFlowPattern().Replace(body, $"${{lead}}enabled: {value}", 1)
                    : $"enabled: {value}, {body.TrimStart()}";
                lines[i] = $"{flow.Groups["head"].Value}{{{body}}}{flow.Groups["rest"].Value}";
                return string.Join(newline, lines);
            }
        }

        return text;
    }

    private static List<string> EditBlock(List<string> lines, int header, string indent, string value)
    {
        string? inner = null;
        for (var i = header + 1; i < lines.Count && (lines[i].Trim().Length == 0 || lines[i].TrimStart().StartsWith('#') || lines[i].StartsWith(indent + " ", StringComparison.Ordinal) || lines[i].StartsWith(indent + "\t", StringComparison.Ordinal)); i++)
        {
            var match = KeyPattern().Match(lines[i]);
            var at = match.Groups["indent"].Value;
            if (!match.Success || at.Length <= indent.Length || (inner is not null && at != inner))
            {
                continue;
            }

            inner = at;
            if (match.Groups["key"].Value == "enabled")
            {
                lines[i] = $"{inner}enabled: {value}{match.Groups["rest"].Value}";
                return lines;
            }
        }

        lines.Insert(header + 1, $"{inner ?? indent + "  "}enabled: {value}");
        return lines;
    }

    /// <summary>One setting the editor changes: its key path, how to read it from a parsed config, how to write it into the text.</summary>
    private sealed record Setting(string KeyPath, Func<AlphaHostConfig, bool?> Value, Func<string, string, string> Replace);

    [GeneratedRegex(@"^features:\s*(#.*)?$")]
    private static partial Regex FeaturesPattern();

    [GeneratedRegex(@"^families:\s*(#.*)?$")]
    private static partial Regex FamiliesPattern();

    [GeneratedRegex(@"^(?<head>[ \t]+(?<key>[A-Za-z0-9_]+):[ \t]*)\{(?<body>[^{}]*)\}(?<rest>[ \t]*(#.*)?)$")]
    private static partial Regex FlowSectionPattern();

    [GeneratedRegex(@"(?<lead>(^|,)\s*)enabled\s*:\s*[^,}]*")]
    private static partial Regex EnabledInFlowPattern();

    [GeneratedRegex(@"^(?<indent>[ \t]+)(?<key>[A-Za-z0-9_]+):[ \t]*(?<value>[^#\s]*)(?<rest>[ \t]*(#.*)?)$")]
    private static partial Regex KeyPattern();
}

/// <summary>Other writers kept changing the config file while it was edited; nothing was confirmed.</summary>
internal sealed class ConfigEditConflictException(string message) : Exception(message);
