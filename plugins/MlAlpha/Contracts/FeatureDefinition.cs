namespace AlphaHost.Plugins.MlAlpha.Contracts;

/// <summary>One feature of a contract.</summary>
/// <param name="Name">Column name, unique within the contract.</param>
/// <param name="Window">Bars the feature looks back over.</param>
/// <param name="Definition">The exact formula in words; part of the contract's hash.</param>
internal sealed record FeatureDefinition(string Name, int Window, string Definition);
