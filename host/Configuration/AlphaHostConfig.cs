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
    /// <summary>The <c>plugins:</c> section: which plugin builds may load.</summary>
    public PluginTrustOptions Plugins { get; init; } = new();

    /// <summary>The <c>alerts:</c> section: where alert events go.</summary>
    public AlertOptions Alerts { get; init; } = new();

    public static AlphaHostConfig Default(string sourcePath) => new(
        sourcePath, "", new HostOptions(), new MarketOptions(),
        new Dictionary<string, FeatureFlag>(), new Dictionary<string, FamilyConfig>(), []);

    /// <summary>The folder of the config file: relative paths in the file are taken from here, not from the working directory.</summary>
    public string ConfigDirectory => Path.GetDirectoryName(Path.GetFullPath(SourcePath))!;

    /// <summary>A path written in the config file as a full path: a relative one is resolved against <see cref="ConfigDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, ConfigDirectory);

    public FamilyConfig Family(string name) => Families.TryGetValue(name, out var family) ? family : FamilyConfig.Absent;

    /// <summary>
    /// Whether config turns an exported family on: it needs a <c>families.&lt;name&gt;</c> section with
    /// <c>enabled: true</c> and, if it declares one, its feature flag true (or the flag's declared default).
    /// </summary>
    public bool IsEnabled(AlphaHost.Abstractions.AlphaFamilyAttribute export)
    {
        var section = Family(export.Name);
        var flag = export.FeatureFlag is { } key && Features.TryGetValue(key, out var value) ? value.Value : export.FeatureFlagDefault;
        return section != FamilyConfig.Absent && section.Enabled && flag;
    }
}

/// <summary>A <c>features.&lt;flag&gt;</c> value and its line.</summary>
internal sealed record FeatureFlag(bool Value, int Line);
