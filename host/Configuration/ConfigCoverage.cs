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
}
