using System.Globalization;
using System.Text;
using AlphaHost.Abstractions;

namespace AlphaHost.Host.Backtest;

/// <summary>
/// The backtest of what the daemon trades (<c>backtest --families</c>): the combined signal's report, whose verdict is the
/// command's, each family's own report, and each family's marginal contribution; serialized as <c>report.json</c>.
/// </summary>
internal sealed record FamiliesReport
{
    public required string Config { get; init; }

    public required BacktestReport Combined { get; init; }

    public required IReadOnlyList<FamilyEntry> Families { get; init; }

    /// <summary>Each family's contribution: the combined signal's figures minus those of the combined signal without it.</summary>
    public required IReadOnlyList<MarginalContribution> Marginal { get; init; }

    public string Verdict => Combined.Verdict;

    /// <summary>The combiner's mode (<c>combiner.mode</c>): static or learned.</summary>
    public string Combiner { get; init; } = "static";

    /// <summary>In learned mode, the combination with the configured weights on the same days, for comparison; null in static mode.</summary>
    public BacktestReport? Configured { get; init; }

    /// <summary>In learned mode, the weights at each close they were recomputed at.</summary>
    public IReadOnlyList<WeightsOn> LearnedWeights { get; init; } = [];

    /// <param name="combined">The combined signal's report.</param>
    /// <param name="families">Each family's report, with the report of the combined signal without it.</param>
    /// <param name="config">The config file the families, weights and modes come from.</param>
    public static FamiliesReport From(BacktestReport combined, IReadOnlyList<(FamilyEntry Entry, BacktestReport Without)> families, string config) => new()
    {
        Config = config,
        Combined = combined,
        Families = families.Select(f => f.Entry).ToArray(),
        Marginal = families.Select(f => MarginalContribution.Of(f.Entry, combined, f.Without)).ToArray(),
    };

    /// <summary>The combined signal's report, then the marginal contributions and each family's headline figures (its full report is in its folder).</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder(Combined.ToMarkdown());
        text.AppendLine();
        if (Configured is { } configured)
        {
            text.AppendLine("## Learned weights");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"combiner.mode learned: the combined signal above; with the configured weights on the same days: Sharpe (net) {N(configured.Strategy.Sharpe, "0.00")}, (gross) {N(configured.StrategyGross.Sharpe, "0.00")}, max drawdown {N(configured.Strategy.MaxDrawdown, "P2")}, turnover {N(configured.TurnoverMean, "0.000")}.");
            if (LearnedWeights.Count > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"Last weights ({LearnedWeights[^1].Date:yyyy-MM-dd}): {string.Join(", ", LearnedWeights[^1].Weights.Select(w => $"{w.Key} {N(w.Value, "0.###")}"))}.");
            }

            text.AppendLine();
        }

        text.AppendLine("## Families");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"From `{Config}`. A shadow family is computed but takes no part in the combined signal, as in the daemon; the acceptance gate applies to the combined signal.");
        text.AppendLine();
        text.AppendLine("| family | weight | mode | Sharpe (net) | Sharpe (gross) | max drawdown | rank IC | turnover | verdict alone | report |");
        text.AppendLine("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (var family in Families)
        {
            var r = family.Report;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {family.Name} | {N(family.Weight, "0.###")} | {family.Mode} | {N(r.Strategy.Sharpe, "0.00")} | {N(r.StrategyGross.Sharpe, "0.00")} | {N(r.Strategy.MaxDrawdown, "P2")} | {N(r.Ic.RankMean, "0.0000")} | {N(r.TurnoverMean, "0.000")} | {r.Verdict} | [{family.Folder}/report.md]({family.Folder}/report.md) |");
        }

        text.AppendLine();
        text.AppendLine("## Marginal contribution");
        text.AppendLine();
        text.AppendLine("Combined signal with the family minus the combined signal recombined without it (the same days, the same signals of the other families).");
        text.AppendLine();
        text.AppendLine("| family | Sharpe (net) without | Δ Sharpe (net) | Δ Sharpe (gross) | Δ annualized return (net) | Δ max drawdown | Δ rank IC | Δ IC | Δ rank IC (5 d) | Δ turnover |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var m in Marginal)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {m.Family} | {N(m.SharpeNetWithout, "0.00")} | {N(m.SharpeNet, "+0.00;-0.00;0.00")} | {N(m.SharpeGross, "+0.00;-0.00;0.00")} | {N(m.AnnualizedReturnNet, "+0.00%;-0.00%;0.00%")} | {N(m.MaxDrawdown, "+0.00%;-0.00%;0.00%")} | {N(m.RankIc, "+0.0000;-0.0000;0.0000")} | {N(m.Ic, "+0.0000;-0.0000;0.0000")} | {N(m.RankIcDecay.FirstOrDefault(h => h.Horizon == 5)?.Difference ?? double.NaN, "+0.0000;-0.0000;0.0000")} | {N(m.Turnover, "+0.000;-0.000;0.000")} |");
        }

        return text.ToString();
    }

    private static string N(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>One family of the replay: its configured weight and mode, and its own signals' report.</summary>
/// <param name="Name">The family.</param>
/// <param name="Weight">Its <c>weight</c> in the combined signal.</param>
/// <param name="Mode"><c>live</c> or <c>shadow</c>.</param>
/// <param name="Enabled">Whether the config enables it (a family named in <c>--families</c> may be disabled).</param>
/// <param name="Folder">Its report folder, relative to the report's: <c>families/&lt;name&gt;</c>.</param>
/// <param name="Report">Its own signals traded alone.</param>
internal sealed record FamilyEntry(string Name, double Weight, string Mode, bool Enabled, string Folder, BacktestReport Report);

/// <summary>A difference of a figure measured at a forward horizon (trading days).</summary>
internal sealed record HorizonDifference(int Horizon, double Difference);

/// <summary>The combined signal's figures minus those of the combined signal without the family: what the family adds (0 for a shadow family or a weight of 0).</summary>
/// <param name="RankIcDecay">The difference in the tear sheet's mean daily rank IC at each horizon.</param>
internal sealed record MarginalContribution(string Family, double Weight, string Mode, double SharpeNetWithout, double SharpeNet, double SharpeGross,
    double AnnualizedReturnNet, double MaxDrawdown, double RankIc, double Ic, double Turnover, IReadOnlyList<HorizonDifference> RankIcDecay)
{
    public static MarginalContribution Of(FamilyEntry family, BacktestReport with, BacktestReport without) => new(
        family.Name,
        family.Weight,
        family.Mode,
        without.Strategy.Sharpe,
        Difference(with.Strategy.Sharpe, without.Strategy.Sharpe),
        Difference(with.StrategyGross.Sharpe, without.StrategyGross.Sharpe),
        Difference(with.Strategy.AnnualizedReturn, without.Strategy.AnnualizedReturn),
        Difference(with.Strategy.MaxDrawdown, without.Strategy.MaxDrawdown),
        Difference(with.Ic.RankMean, without.Ic.RankMean),
        Difference(with.Ic.Mean, without.Ic.Mean),
        Difference(with.TurnoverMean, without.TurnoverMean),
        with.TearSheet.IcDecay.Zip(without.TearSheet.IcDecay, (w, o) => new HorizonDifference(w.Horizon, Difference(w.RankMean, o.RankMean))).ToArray());

    /// <summary>A figure undefined both ways (a flat book's Sharpe, no IC day) makes no difference.</summary>
    private static double Difference(double with, double without) => double.IsNaN(with) && double.IsNaN(without) ? 0.0 : with - without;
}
