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

    /// <summary>The <c>combiner:</c> section: static or learned family weights.</summary>
    public Combining.CombinerOptions Combiner { get; init; } = new();

    /// <summary>The <c>portfolio:</c> section: how the combined signal becomes target weights (backtest and daemon).</summary>
    public Portfolio.PortfolioOptions Portfolio { get; init; } = new();

    /// <summary>The operator override read beside the daemon's state (not from this file): instances held disabled; null when none.</summary>
    public OperatorOverride? Override { get; init; }

    public static AlphaHostConfig Default(string sourcePath) => new(
        sourcePath, "", new HostOptions(), new MarketOptions(),
        new Dictionary<string, FeatureFlag>(), new Dictionary<string, FamilyConfig>(), []);

    /// <summary>The folder of the config file: relative paths in the file are taken from here, not from the working directory.</summary>
    public string ConfigDirectory => Path.GetDirectoryName(Path.GetFullPath(SourcePath))!;

    /// <summary>A path written in the config file as a full path: a relative one is resolved against <see cref="ConfigDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, ConfigDirectory);

    public FamilyConfig Family(string name) => Families.TryGetValue(name, out var family) ? family : FamilyConfig.Absent;

    /// <summary>The plugin family an instance runs: its section's <c>family:</c>, else the instance's own name.</summary>
    public string FamilyOf(string instance) => Family(instance).Family ?? instance;

    /// <summary>
    /// The configured instances of an exported family: the family's own name first (its section may be absent: then it
    /// is disabled, as before instances existed), then each section naming it with <c>family:</c>, in file order.
    /// </summary>
    public IReadOnlyList<string> InstancesOf(string family) =>
        [.. Families.Keys.Where(n => FamilyOf(n) == family).Prepend(family).Where(n => FamilyOf(n) == family).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Whether config turns an instance of an exported family on (the family's own one when <paramref name="instance"/> is
    /// null): it needs a <c>families.&lt;instance&gt;</c> section with <c>enabled: true</c> and, if the family declares
    /// one, its feature flag true (or the flag's declared default), and no operator override holding it disabled.
    /// </summary>
    public bool IsEnabled(AlphaHost.Abstractions.AlphaFamilyAttribute export, string? instance = null)
    {
        var name = instance ?? export.Name;
        var section = Family(name);
        var flag = export.FeatureFlag is { } key && Features.TryGetValue(key, out var value) ? value.Value : export.FeatureFlagDefault;
        return section != FamilyConfig.Absent && section.Enabled && flag && Override?.Disabled.Contains(name, StringComparer.Ordinal) != true;
    }
}

/// <summary>A <c>features.&lt;flag&gt;</c> value and its line.</summary>
internal sealed record FeatureFlag(bool Value, int Line);
