using System.Text.Json.Serialization;

namespace AlphaHost.Host.Combining;

/// <summary>How the families' weights are set: as configured, or learned from their own recent record.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CombinerMode>))]
internal enum CombinerMode
{
    /// <summary>Each family's configured <c>weight</c>, always.</summary>
    [JsonStringEnumMemberName("static")]
    Static,

    /// <summary>Weights from each family's trailing net Sharpe, shrunk toward the configured ones (<see cref="WeightRule"/>).</summary>
    [JsonStringEnumMemberName("learned")]
    Learned,
}

/// <summary>
/// The <c>combiner:</c> section. In <c>learned</c> mode the weights come only from days before the one they are used
/// on: each live family's own signals traded alone (ranked, gross 1, <see cref="CostBasisPoints"/> a unit of turnover),
/// its net daily returns over <see cref="LookbackDays"/>, their Sharpe ratio, floored at 0.
/// </summary>
internal sealed record CombinerOptions
{
    /// <summary>static or learned.</summary>
    /// <value>The default value is static.</value>
    public CombinerMode Mode { get; init; } = CombinerMode.Static;

    /// <summary>Trading days of each family's net returns the learned weights look back over.</summary>
    /// <value>The default value is 252.</value>
    public int LookbackDays { get; init; } = 252;

    /// <summary>Days of returns every live family needs before the learned weights replace the configured ones.</summary>
    /// <value>The default value is 126.</value>
    public int MinDays { get; init; } = 126;

    /// <summary>Share of the configured weights in the learned ones (1: the configured weights; 0: the data alone).</summary>
    /// <value>The default value is 0.5.</value>
    public double Shrinkage { get; init; } = 0.5;

    /// <summary>Largest share of the live families' total weight one family may take.</summary>
    /// <value>The default value is 0.6.</value>
    public double MaxWeight { get; init; } = 0.6;

    /// <summary>Trading days between two updates of the learned weights (5: at most weekly).</summary>
    /// <value>The default value is 5.</value>
    public int UpdateDays { get; init; } = 5;

    /// <summary>Cost per unit of turnover charged to each family's own returns, basis points.</summary>
    /// <value>The default value is 5.</value>
    public double CostBasisPoints { get; init; } = 5;

    /// <summary>The text of <see cref="Mode"/> in the config, the status and the logs.</summary>
    public static string Text(CombinerMode mode) => mode == CombinerMode.Learned ? "learned" : "static";
}
