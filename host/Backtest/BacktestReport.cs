using System.Globalization;
using System.Text;
using AlphaHost.Abstractions;

namespace AlphaHost.Host.Backtest;

/// <summary>The figures of a backtest, its acceptance checks and verdict; serialized as <c>report.json</c> and told in <c>report.md</c>.</summary>
internal sealed record BacktestReport
{
    public required DateTimeOffset GeneratedAt { get; init; }

    public required string Family { get; init; }

    public required string ModelDir { get; init; }

    public required string Data { get; init; }

    public required DatePeriod Window { get; init; }

    public required string PositionRule { get; init; }

    /// <summary>The portfolio rule and settings the positions were built with (the config's <c>portfolio:</c> section).</summary>
    public required Portfolio.PortfolioOptions Portfolio { get; init; }

    public required double CostBasisPoints { get; init; }

    public required int Days { get; init; }

    public required Performance Strategy { get; init; }

    public required Performance StrategyGross { get; init; }

    public required Performance Benchmark { get; init; }

    public required string BenchmarkSymbol { get; init; }

    public required double TurnoverMean { get; init; }

    public required double HitRate { get; init; }

    public required IcSummary Ic { get; init; }

    public required long FeatureMismatchCount { get; init; }

    public required IReadOnlyList<string> Exceptions { get; init; }

    public required int SymbolsProcessed { get; init; }

    public required IReadOnlyList<SkippedSymbol> SymbolsSkipped { get; init; }

    public required IReadOnlyList<string> TrainingOverlap { get; init; }

    public required IReadOnlyList<AcceptanceCheck> Acceptance { get; init; }

    /// <summary>Which of the strategy's Sharpe ratios the acceptance gate reads: the one net of costs.</summary>
    public string GatedSharpe => "net";

    public required TearSheet TearSheet { get; init; }

    public string Verdict => Acceptance.All(c => c.Passed) ? "PASS" : "FAIL";

    public static BacktestReport From(BacktestRun run, BacktestOptions options, string family, string modelDir, MarketHistory history, DatePeriod window,
        IReadOnlyList<SkippedSymbol> skipped, IReadOnlyList<string> overlap, DateTimeOffset generatedAt)
    {
        var strategy = Stats.Performance(run.Net);
        var ic = new IcSummary(Stats.Mean(run.Ic), Stats.StdDev(run.Ic), Stats.Mean(run.Ic) / Stats.StdDev(run.Ic),
            Stats.Mean(run.RankIc), Stats.StdDev(run.RankIc), Stats.Mean(run.RankIc) / Stats.StdDev(run.RankIc), run.Ic.Count);
        return new BacktestReport
        {
            GeneratedAt = generatedAt,
            Family = family,
            ModelDir = modelDir,
            Data = history.Source,
            Window = window,
            PositionRule = run.Portfolio == new Portfolio.PortfolioOptions()
                ? "each close: symbols with a signal ranked; weight = (rank - mean rank) / sum |rank - mean rank| (dollar-neutral, gross 1); held to the next close"
                : $"each close: the portfolio stage's book ({run.Portfolio.Describe()}), gross 1 before any band, partial rebalance or tranches; held to the next close",
            Portfolio = run.Portfolio,
            CostBasisPoints = options.CostBasisPoints,
            Days = run.Net.Count,
            Strategy = strategy,
            StrategyGross = Stats.Performance(run.Gross),
            Benchmark = Stats.Performance(run.Benchmark),
            BenchmarkSymbol = history.Benchmark?.Symbol ?? "none",
            TurnoverMean = Stats.Mean(run.Turnover),
            HitRate = run.Net.Count == 0 ? double.NaN : run.Net.Count(r => r > 0) / (double)run.Net.Count,
            Ic = ic,
            FeatureMismatchCount = run.ModelErrors,
            Exceptions = run.Exceptions,
            SymbolsProcessed = run.Processed.Count,
            SymbolsSkipped = skipped,
            TrainingOverlap = overlap,
            TearSheet = TearSheet.Compute(run, history, options),
            Acceptance =
            [
                new("sharpe", strategy.Sharpe, $"> {options.MinSharpe.ToString(CultureInfo.InvariantCulture)}", strategy.Sharpe > options.MinSharpe),
                new("max_drawdown", strategy.MaxDrawdown, $"< {options.MaxDrawdown.ToString(CultureInfo.InvariantCulture)}", strategy.MaxDrawdown < options.MaxDrawdown),
                new("feature_mismatch_errors", run.ModelErrors, "= 0", run.ModelErrors == 0),
                new("exceptions", run.Exceptions.Count, "= 0", run.Exceptions.Count == 0),
                new("training_overlap", overlap.Count, "= 0 models", overlap.Count == 0),
                new("symbols_processed", run.Processed.Count, "> 0", run.Processed.Count > 0),
            ],
        };
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Backtest {Family}: {Verdict}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Window} on {Data}, models from `{ModelDir}`, {Days} trading days, {SymbolsProcessed} symbols traded ({SymbolsSkipped.Count} skipped).");
        text.AppendLine(CultureInfo.InvariantCulture, $"Positions: {PositionRule}. Costs: {CostBasisPoints} bp per unit of turnover.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Portfolio construction (`portfolio:`): {Portfolio.Describe()}; mean daily turnover {TurnoverMean:0.000}, Sharpe net {Strategy.Sharpe:0.00}, gross {StrategyGross.Sharpe:0.00}.");
        text.AppendLine();
        text.AppendLine("| | strategy (net of costs, gated) | strategy (gross, before costs) | " + BenchmarkSymbol + " buy-and-hold |");
        text.AppendLine("| --- | ---: | ---: | ---: |");
        Row(text, "annualized return", Strategy.AnnualizedReturn, StrategyGross.AnnualizedReturn, Benchmark.AnnualizedReturn, "P2");
        Row(text, "annualized volatility", Strategy.AnnualizedVolatility, StrategyGross.AnnualizedVolatility, Benchmark.AnnualizedVolatility, "P2");
        Row(text, "Sharpe", Strategy.Sharpe, StrategyGross.Sharpe, Benchmark.Sharpe, "0.00");
        Row(text, "max drawdown", Strategy.MaxDrawdown, StrategyGross.MaxDrawdown, Benchmark.MaxDrawdown, "P2");
        Row(text, "total return", Strategy.TotalReturn, StrategyGross.TotalReturn, Benchmark.TotalReturn, "P2");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Mean daily turnover {TurnoverMean:0.000}, hit rate {HitRate:P1}. Daily IC {Ic.Mean:0.0000} (ICIR {Ic.Icir:0.00}), rank IC {Ic.RankMean:0.0000} (ICIR {Ic.RankIcir:0.00}) over {Ic.Days} days.");
        text.AppendLine();
        TearSheetMarkdown.Append(text, TearSheet, BenchmarkSymbol, CostBasisPoints);
        text.AppendLine();
        text.AppendLine("## Acceptance");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"The gate reads the **net** Sharpe (after {CostBasisPoints} bp costs), {Strategy.Sharpe:0.00}; the gross Sharpe, {StrategyGross.Sharpe:0.00}, is not gated.");
        text.AppendLine();
        foreach (var check in Acceptance)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {(check.Passed ? "PASS" : "FAIL")} {check.Name}: {check.Value:0.####} (needs {check.Threshold})");
        }

        if (TrainingOverlap.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"**The window overlaps the training data of {TrainingOverlap.Count} model(s)**: these results are in-sample and prove nothing. First: {TrainingOverlap[0]}");
        }

        if (Exceptions.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Exceptions ({Exceptions.Count}), first: {Exceptions[0]}");
        }

        text.AppendLine();
        text.AppendLine("![equity](equity.png)");
        text.AppendLine();
        text.AppendLine("![drawdown](drawdown.png)");
        return text.ToString();
    }

    private static void Row(StringBuilder text, string name, double a, double b, double c, string format) =>
        text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {a.ToString(format, CultureInfo.InvariantCulture)} | {b.ToString(format, CultureInfo.InvariantCulture)} | {c.ToString(format, CultureInfo.InvariantCulture)} |");
}

/// <summary>Daily cross-sectional IC of signals against next-day returns: Pearson and Spearman, with ICIR = mean / std.</summary>
internal sealed record IcSummary(double Mean, double Std, double Icir, double RankMean, double RankStd, double RankIcir, int Days);

/// <summary>One acceptance criterion.</summary>
internal sealed record AcceptanceCheck(string Name, double Value, string Threshold, bool Passed);
