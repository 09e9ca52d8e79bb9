namespace AlphaHost.Abstractions;

/// <summary>Exports a class implementing <see cref="IAlphaFamily"/> to the host under a family name.</summary>
/// <param name="name">The family name used in <c>families.&lt;name&gt;</c> of the configuration and in logs.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AlphaFamilyAttribute(string name) : Attribute
{
    /// <summary>The family name: lower case letters, digits and underscores.</summary>
    public string Name { get; } = name;

    /// <summary>
    /// An optional key under <c>features:</c> that also gates the family (for example <c>use_regime_detection</c>).
    /// The family runs only when both this flag and <c>families.&lt;name&gt;.enabled</c> are true.
    /// </summary>
    public string? FeatureFlag { get; init; }

    /// <summary>The value of <see cref="FeatureFlag"/> when the configuration does not set it.</summary>
    /// <value>The default value is <c>true</c>.</value>
    public bool FeatureFlagDefault { get; init; } = true;

    /// <summary>
    /// Marks a model-driven family whose health the heartbeat reports as <c>ml_state</c> and whose error
    /// count it reports as <c>model_errors</c>.
    /// </summary>
    public bool IsModelFamily { get; init; }

    /// <summary>
    /// Settings whose value is a folder that belongs to one configured instance of the family alone (its models, say),
    /// each written <c>key=default</c>: the setting's key and the folder used when the key is absent. The host refuses a
    /// configuration in which two instances (<c>families.&lt;instance&gt;.family: &lt;name&gt;</c>) resolve one of them to
    /// the same folder.
    /// </summary>
    /// <value>The default value is none.</value>
    public string[] InstanceFolders { get; init; } = [];

    /// <summary>
    /// The keys of <c>families.&lt;instance&gt;</c> the family reads (nested keys joined with dots, e.g.
    /// <c>training.trees</c>), declared so that <c>config validate</c> can report a mistyped key without starting the
    /// family. Empty: the family declares none, and only the running daemon reports its unknown keys.
    /// </summary>
    /// <value>The default value is none.</value>
    public string[] Settings { get; init; } = [];
}
