namespace AlphaHost.Host.Configuration;

/// <summary>
/// What a valid config names that the loaded families do not use, and loaded families it has no section for: one rule
/// for the daemon (at start and after each reload) and for <c>config validate</c>.
/// </summary>
internal static class ConfigCoverage
{
    /// <param name="config">The configuration.</param>
    /// <param name="families">The names of the families that load.</param>
    /// <param name="featureFlags">The feature flags those families declare.</param>
    public static IEnumerable<string> Warnings(AlphaHostConfig config, IReadOnlyCollection<string> families, IReadOnlyCollection<string> featureFlags)
    {
        foreach (var name in config.Families.Keys.Where(n => !families.Contains(config.FamilyOf(n))))
        {
            yield return $"families.{name} names no loaded family; it has no effect until a plugin exports it";
        }

        foreach (var (flag, value) in config.Features.Where(f => !featureFlags.Contains(f.Key)))
        {
            yield return $"{config.SourcePath}:{value.Line}: features.{flag} gates no loaded family; it has no effect until a plugin declares it";
        }

        foreach (var name in families.Where(n => config.InstancesOf(n).All(i => !config.Families.ContainsKey(i))))
        {
            yield return $"family {name} has no families.{name} section; it stays disabled until one with enabled: true is added";
        }
    }

    /// <summary>
    /// The keys of each configured instance's section that its family does not declare
    /// (<see cref="AlphaHost.Abstractions.AlphaFamilyAttribute.Settings"/>), found without starting the family; a family
    /// that declares none is not checked here (the daemon reports its unread keys when it loads).
    /// </summary>
    /// <param name="config">The configuration.</param>
    /// <param name="exports">The families that load.</param>
    public static IEnumerable<string> FamilyKeyWarnings(AlphaHostConfig config, IEnumerable<AlphaHost.Abstractions.AlphaFamilyAttribute> exports)
    {
        foreach (var export in exports.Where(e => e.Settings.Length > 0))
        {
            foreach (var instance in config.InstancesOf(export.Name).Where(config.Families.ContainsKey))
            {
                var section = config.Families[instance];
                foreach (var key in section.Values.Keys.Where(k => !export.Settings.Any(d => k == d || k.StartsWith(d + ".", StringComparison.Ordinal))))
                {
                    yield return $"{config.SourcePath}:{section.Lines.GetValueOrDefault(key, section.Line)}: unknown key 'families.{instance}.{key}' is ignored";
                }
            }
        }
    }
}
