namespace AlphaHost.Host.Configuration;

/// <summary>One <c>families.&lt;name&gt;</c> section.</summary>
/// <param name="Enabled">The <c>enabled</c> flag; a family without a section is disabled.</param>
/// <param name="Weight">The family's weight in the combined signal.</param>
/// <param name="Timeout">Its own time budget, overriding <c>host.family_timeout</c>.</param>
/// <param name="Values">The rest of the section, for the family itself, flattened with dots.</param>
/// <param name="Lines">The line of each key in <paramref name="Values"/>, for warnings.</param>
internal sealed record FamilyConfig(
    bool Enabled,
    double Weight,
    TimeSpan? Timeout,
    IReadOnlyDictionary<string, string> Values,
    IReadOnlyDictionary<string, int> Lines)
{
    public static FamilyConfig Absent { get; } = new(false, 0.0, null, new Dictionary<string, string>(), new Dictionary<string, int>());

    public bool SameValuesAs(FamilyConfig other) =>
        Values.Count == other.Values.Count && Values.All(kv => other.Values.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
