using System.Globalization;
using System.Text.Json.Serialization;

namespace AlphaHost.Host.Portfolio;

/// <summary>
/// The <c>portfolio:</c> section: how a close's signals become target weights, for the backtest's books and the daemon's
/// <c>runtime/portfolio/latest.json</c> alike. Defaults are declared here only and are the book the backtest always
/// traded: centred ranks, gross 1, dollar-neutral, rebalanced fully every close.
/// </summary>
internal sealed record PortfolioOptions
{
    /// <summary>How signals become raw weights before the gross normalisation.</summary>
    /// <value>The default value is <see cref="PortfolioRule.Rank"/>.</value>
    public PortfolioRule Rule { get; init; } = PortfolioRule.Rank;

    /// <summary>Divide each raw weight by the symbol's trailing volatility (then re-centre and normalise to gross 1).</summary>
    /// <value>The default value is false.</value>
    public bool VolScaling { get; init; }

    /// <summary>Trailing daily returns (up to the close) the volatility and the beta are estimated on.</summary>
    /// <value>The default value is 60.</value>
    public int RiskWindowDays { get; init; } = 60;

    /// <summary>A position whose target is within this distance of its current weight is left where it is (0: none kept).</summary>
    /// <value>The default value is 0.</value>
    public double NoTradeBand { get; init; }

    /// <summary>Fraction of the way from the current weight to the target traded each close (1: all of it).</summary>
    /// <value>The default value is 1.</value>
    public double RebalanceFraction { get; init; } = 1;

    /// <summary>Each close's target is held for this many closes as one of overlapping tranches of 1/H each (1: none).</summary>
    /// <value>The default value is 1.</value>
    public int HorizonDays { get; init; } = 1;

    /// <summary>Whether the book is today's default: the rank rule, traded in full each close.</summary>
    [JsonIgnore]
    public bool TradesTargetInFull => NoTradeBand == 0 && RebalanceFraction == 1 && HorizonDays == 1;

    /// <summary>One line for reports and logs: the rule and every setting.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"rule {PortfolioRules.Name(Rule)}, vol_scaling {(VolScaling ? "on" : "off")}, risk_window_days {RiskWindowDays}, no_trade_band {NoTradeBand}, rebalance_fraction {RebalanceFraction}, horizon_days {HorizonDays}");
}
