namespace AlphaHost.Host.Configuration;

/// <summary>One validated version of <c>golden_config.yaml</c>. Immutable: a reload makes a new one.</summary>
internal sealed record AlphaHostConfig(
    string SourcePath,
    string ContentHash,
    HostOptions Host,
    MarketOptions Market,
    IReadOnlyDictionary<string, FeatureFlag> Features,
    IReadOnlyDictionary<string, FamilyConfig> Families,
    IReadOnlyList<string> Warnings)
{
    public static AlphaHostConfig Default(string sourcePath) => new(
        sourcePath, "", new HostOptions(), new MarketOptions(),
        new Dictionary<string, FeatureFlag>(), new Dictionary<string, FamilyConfig>(), []);

    public FamilyConfig Family(string name) => Families.TryGetValue(name, out var family) ? family : FamilyConfig.Absent;
}

/// <summary>A <c>features.&lt;flag&gt;</c> value and its line.</summary>
internal sealed record FeatureFlag(bool Value, int Line);
