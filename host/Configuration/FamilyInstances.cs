using AlphaHost.Abstractions;

namespace AlphaHost.Host.Configuration;

/// <summary>
/// The rule for <c>families.&lt;instance&gt;.family</c>, checked against the families the plugins export: one rule for the
/// CLI (exit 2) and for the daemon (a reload that breaks it is refused, the daemon keeps running). An instance must name
/// an exported family, must not take the name (and so the state folder <c>runtime/state/&lt;name&gt;</c>) of another
/// family, and two instances of a family must not share a folder the family declares as an instance's own
/// (<see cref="AlphaFamilyAttribute.InstanceFolders"/>, e.g. the ML family's models folder).
/// </summary>
internal static class FamilyInstances
{
    /// <summary>Whether any section names its family: without one, every section is its family's own instance and nothing here can fail.</summary>
    public static bool Declared(AlphaHostConfig config) => config.Families.Values.Any(f => f.Family is not null);

    /// <summary>The first broken rule, naming file, line and key; null when the instances are sound.</summary>
    public static ConfigException? Check(AlphaHostConfig config, IReadOnlyCollection<AlphaFamilyAttribute> exports)
    {
        var byName = exports.DistinctBy(e => e.Name).ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var (instance, section) in config.Families)
        {
            if (section.Family is not { } family)
            {
                continue;
            }

            if (!byName.ContainsKey(family))
            {
                var loaded = byName.Count == 0 ? "none" : string.Join(", ", byName.Keys.Order(StringComparer.Ordinal));
                return new ConfigException(config.SourcePath, section.FamilyLine, $"families.{instance}.family", $"names no loaded plugin family '{family}' (loaded: {loaded})");
            }

            if (family != instance && byName.ContainsKey(instance))
            {
                return new ConfigException(config.SourcePath, section.FamilyLine, $"families.{instance}.family",
                    $"'{instance}' is the name of the family {instance}, whose state folder runtime/state/{instance} an instance of {family} would share; give the instance another name");
            }
        }

        foreach (var export in byName.Values)
        {
            foreach (var folder in export.InstanceFolders)
            {
                if (Clash(config, export.Name, folder) is { } clash)
                {
                    return clash;
                }
            }
        }

        return null;
    }

    /// <param name="config">The configuration.</param>
    /// <param name="family">The exported family.</param>
    /// <param name="folder">One of its instance folders, <c>key=default</c>.</param>
    private static ConfigException? Clash(AlphaHostConfig config, string family, string folder)
    {
        var split = folder.IndexOf('=', StringComparison.Ordinal);
        var (key, fallback) = split < 0 ? (folder, "") : (folder[..split], folder[(split + 1)..]);
        var seen = new Dictionary<string, (string Instance, int Line)>(StringComparer.Ordinal);
        foreach (var instance in config.InstancesOf(family).Where(config.Families.ContainsKey))
        {
            var section = config.Family(instance);
            var raw = section.Values.GetValueOrDefault(key, fallback);
            if (raw.Length == 0)
            {
                continue;
            }

            var line = section.Lines.TryGetValue(key, out var keyLine) ? keyLine : section.Line;
            var full = Path.TrimEndingDirectorySeparator(config.ResolvePath(raw));
            if (seen.TryGetValue(full, out var other))
            {
                return new ConfigException(config.SourcePath, line, $"families.{instance}.{key}",
                    $"{full} is also the {key} of families.{other.Instance} (line {other.Line}); each instance of {family} needs its own");
            }

            seen[full] = (instance, line);
        }

        return null;
    }
}
