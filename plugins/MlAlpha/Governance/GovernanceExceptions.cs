namespace AlphaHost.Plugins.MlAlpha.Governance;

/// <summary>A prediction was asked of a model that governance has disabled; it stays disabled until an operator resets it.</summary>
internal sealed class GovernanceDisabledException(string model, string reason)
    : Exception($"model {model} is disabled by governance ({reason}); an operator reset with a reason is required")
{
    public string Model { get; } = model;

    public string Reason { get; } = reason;
}

/// <summary>The feature vector handed to a model does not match the features it was trained on.</summary>
internal sealed class ModelFeatureMismatchException(string symbol, IReadOnlyList<string> expected, IReadOnlyList<string> provided, IReadOnlyList<string> nonFinite, string folder = "")
    : Exception($"{symbol}: features do not match the model: expected {expected.Count}, provided {provided.Count}" +
        (expected.Except(provided).Any() ? $", missing {string.Join(",", expected.Except(provided))}" : "") +
        (provided.Except(expected).Any() ? $", extra {string.Join(",", provided.Except(expected))}" : "") +
        (nonFinite.Count > 0 ? $", not finite {string.Join(",", nonFinite)}" : "") +
        (expected.Count == provided.Count && !expected.Except(provided).Any() && !expected.SequenceEqual(provided) ? ", same names in another order" : ""))
{
    public string Symbol { get; } = symbol;

    /// <summary>The model folder whose feature list was checked.</summary>
    public string Folder { get; } = folder;

    public IReadOnlyList<string> Expected { get; } = expected;

    public IReadOnlyList<string> Provided { get; } = provided;

    public IReadOnlyList<string> MissingFeatures { get; } = expected.Except(provided).ToArray();

    public IReadOnlyList<string> NonFinite { get; } = nonFinite;
}
