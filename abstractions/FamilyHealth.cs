namespace AlphaHost.Abstractions;

/// <summary>A family's health.</summary>
/// <param name="State">Its state.</param>
/// <param name="ErrorCount">Errors counted since start (for model families: model errors).</param>
/// <param name="Detail">A short human-readable detail, e.g. the current regime or why it is degraded.</param>
public sealed record FamilyHealth(FamilyState State, long ErrorCount = 0, string? Detail = null)
{
    /// <summary>Healthy, no errors.</summary>
    public static FamilyHealth Ok { get; } = new(FamilyState.Ok);
}
