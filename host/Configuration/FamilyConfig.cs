namespace AlphaHost.Host.Configuration;

/// <summary>One <c>families.&lt;instance&gt;</c> section: a configured instance of a plugin's family.</summary>
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
    /// <summary>Where it runs: <c>process</c> or <c>in_process</c>; null takes <c>host.family_isolation</c>.</summary>
    public FamilyIsolation? Isolation { get; init; }

    /// <summary>Its memory budget in MB (a worker's GC heap limit and data-segment limit).</summary>
    /// <value>The default value is 1024.</value>
    public int MaxMemoryMb { get; init; } = 1024;

    /// <summary>
    /// <c>mode: shadow</c>: computed every cycle under the same budgets and governance, journaled to its own file and
    /// scored, but left out of the combined signal (<c>mode: live</c>, the default, takes part in it).
    /// </summary>
    public bool Shadow { get; init; }

    /// <summary>
    /// <c>family:</c>, the plugin family this section is an instance of; null when the key is absent, and then the
    /// section's own name is the family's (so a config written before instances existed means what it meant).
    /// </summary>
    public string? Family { get; init; }

    /// <summary>The line of the section's name, for errors about the section as a whole.</summary>
    public int Line { get; init; }

    /// <summary>The line of <c>family:</c> (0 when absent).</summary>
    public int FamilyLine { get; init; }

    public static FamilyConfig Absent { get; } = new(false, 0.0, null, new Dictionary<string, string>(), new Dictionary<string, int>());

    public bool SameValuesAs(FamilyConfig other) =>
        Values.Count == other.Values.Count && Values.All(kv => other.Values.TryGetValue(kv.Key, out var v) && v == kv.Value);
}

/// <summary>Where a family's code runs.</summary>
internal enum FamilyIsolation
{
    /// <summary>In its own worker process: nothing it does can stop the host or touch another family.</summary>
    Process,

    /// <summary>In the host's process, under budgets only: for trusted code.</summary>
    InProcess,
}
