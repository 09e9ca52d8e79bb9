namespace AlphaHost.Abstractions;

/// <summary>A family's health.</summary>
/// <param name="State">Its state.</param>
/// <param name="ErrorCount">Errors counted since start (for model families: model errors).</param>
/// <param name="Detail">A short human-readable detail, e.g. the current regime or why it is degraded.</param>
public sealed record FamilyHealth(FamilyState State, long ErrorCount = 0, string? Detail = null)
{
    /// <summary>
    /// For model families: how many models are serving now (the heartbeat's <c>models=N</c>); null for a family without
    /// models. Set with an initializer, e.g. <c>new FamilyHealth(FamilyState.Ok) { ServingModels = 5 }</c>.
    /// </summary>
    public int? ServingModels { get; init; }

    /// <summary>
    /// For model families: an identifier of the models that produced this cycle's signals (the host writes it beside
    /// the family's contributions in the signal journal); null for a family without models or when none served.
    /// </summary>
    public string? ModelVersion { get; init; }

    /// <summary>
    /// For model families: an identifier of the model bytes behind <see cref="ModelVersion"/> (a content hash), the same
    /// wherever the models are kept: a copy promoted into another models folder keeps it while its version changes. A
    /// backtest's expectation is recorded under it, so a burn-in finds the backtest of exactly the models it serves.
    /// </summary>
    public string? ModelContent { get; init; }

    /// <summary>
    /// For model families: the population stability index (PSI) of each input feature over the family's drift window,
    /// by feature name in the family's feature order; null for a family without models or while too few rows were seen.
    /// The host exports it as the metric <c>alphahost_feature_drift_psi</c>.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, double>>? FeatureDrift { get; init; }

    /// <summary>Healthy, no errors.</summary>
    public static FamilyHealth Ok { get; } = new(FamilyState.Ok);
}
