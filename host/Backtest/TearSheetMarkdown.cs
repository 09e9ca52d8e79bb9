using System.Globalization;
using System.Text;

namespace AlphaHost.Host.Backtest;

/// <summary>The tear sheet's section of <c>report.md</c>.</summary>
internal static class TearSheetMarkdown
{
    private static readonly string[] MonthNames = CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames[..12];

    public static void Append(StringBuilder text, TearSheet sheet, string benchmarkSymbol, double costBasisPoints)
    {
        text.AppendLine("## Tear sheet");
        text.AppendLine();
        text.AppendLine("### IC decay");
        text.AppendLine();
        text.AppendLine("Each day, the signals at close t against each symbol's close-to-close return from t to its h-th next bar (days without h later bars left out). t-stat = mean / (std / sqrt(days)); at h > 1 the days overlap, so it overstates.");
        text.AppendLine();
        text.AppendLine("| horizon (days) | IC | IC std | ICIR | IC t-stat | rank IC | rank IC std | rank ICIR | rank IC t-stat | days |");
        text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var h in sheet.IcDecay)
        {
            text.AppendLine(Cells(h.Horizon.ToString(CultureInfo.InvariantCulture), F(h.Mean, "0.0000"), F(h.Std, "0.0000"), F(h.Icir, "0.000"), F(h.TStat, "0.00"),
                F(h.RankMean, "0.0000"), F(h.RankStd, "0.0000"), F(h.RankIcir, "0.000"), F(h.RankTStat, "0.00"), h.Days.ToString(CultureInfo.InvariantCulture)));
        }

        text.AppendLine();
        text.AppendLine("![IC decay](ic_decay.png)");
        text.AppendLine();
        text.AppendLine("### Quintile mean forward returns");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Each day the symbols are split into quintiles by signal (Q1 lowest; days with fewer than {TearSheet.QuintileMinSymbols} symbols left out); mean h-day forward return of each quintile, in basis points, before costs.");
        text.AppendLine();
        text.AppendLine("| horizon (days) | Q1 | Q2 | Q3 | Q4 | Q5 | Q5 - Q1 | Q5 - Q1 t-stat | days |");
        text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var q in sheet.Quintiles)
        {
            text.AppendLine(Cells([q.Horizon.ToString(CultureInfo.InvariantCulture), .. q.Means.Select(m => F(m * 10_000, "0.0")), F(q.TopMinusBottom * 10_000, "0.0"),
                F(q.TopMinusBottomTStat, "0.00"), q.Days.ToString(CultureInfo.InvariantCulture)]));
        }

        text.AppendLine();
        text.AppendLine("![quintiles](quintiles.png)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Turnover {F(sheet.Turnover, "0.000")} a day; factor rank autocorrelation {F(sheet.RankAutocorrelation, "0.000")} (Spearman of each day's signals with the previous day's, {sheet.RankAutocorrelationDays} days).");
        text.AppendLine();
        text.AppendLine("### Gross and net");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Net = after {costBasisPoints} bp per unit of turnover; the acceptance gate reads the net Sharpe. Probabilistic Sharpe ratio: probability that the true Sharpe is above 0 (Bailey & López de Prado, with the skewness and kurtosis of the daily returns).");
        text.AppendLine();
        text.AppendLine("| | net of costs (gated) | gross |");
        text.AppendLine("| --- | ---: | ---: |");
        Row(text, "Sharpe (annualized)", sheet.SharpeNet.Sharpe, sheet.SharpeGross.Sharpe, "0.00");
        Row(text, "daily Sharpe", sheet.SharpeNet.DailySharpe, sheet.SharpeGross.DailySharpe, "0.0000");
        Row(text, "skewness of daily returns", sheet.SharpeNet.Skewness, sheet.SharpeGross.Skewness, "0.00");
        Row(text, "kurtosis of daily returns (normal = 3)", sheet.SharpeNet.Kurtosis, sheet.SharpeGross.Kurtosis, "0.00");
        Row(text, "probabilistic Sharpe ratio (vs 0)", sheet.SharpeNet.Probabilistic, sheet.SharpeGross.Probabilistic, "0.000");
        if (sheet.SharpeNet.Deflated is { } netDeflated && sheet.SharpeGross.Deflated is { } grossDeflated)
        {
            Row(text, $"deflated Sharpe ratio ({sheet.Trials} trials)", netDeflated, grossDeflated, "0.000");
            Row(text, $"expected best Sharpe of {sheet.Trials} zero-skill trials (annualized)", (sheet.SharpeNet.ExpectedMaxDailySharpe ?? double.NaN) * Math.Sqrt(Stats.TradingDays),
                (sheet.SharpeGross.ExpectedMaxDailySharpe ?? double.NaN) * Math.Sqrt(Stats.TradingDays), "0.00");
        }

        Row(text, $"annualized excess return over {benchmarkSymbol}", sheet.ExcessNet.AnnualizedExcessReturn, sheet.ExcessGross.AnnualizedExcessReturn, "P2");
        Row(text, "tracking error", sheet.ExcessNet.TrackingError, sheet.ExcessGross.TrackingError, "P2");
        Row(text, "information ratio", sheet.ExcessNet.InformationRatio, sheet.ExcessGross.InformationRatio, "0.00");
        text.AppendLine();
        text.AppendLine(sheet.Trials > 1
            ? string.Create(CultureInfo.InvariantCulture, $"Deflated Sharpe ratio: the probabilistic Sharpe ratio against the best Sharpe {sheet.Trials} configurations without skill would show by chance (`--trials {sheet.Trials}`).")
            : "Deflated Sharpe ratio: not applicable, 1 configuration tried (pass `--trials N` when N configurations were tried).");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"### Monthly rank IC ({TearSheet.MonthlyHorizon}-day)");
        text.AppendLine();
        text.AppendLine("| year | " + string.Join(" | ", MonthNames) + " | year | days |");
        text.AppendLine("| ---: |" + string.Concat(Enumerable.Repeat(" ---: |", 14)));
        foreach (var year in sheet.MonthlyRankIc)
        {
            text.AppendLine(Cells([year.Year.ToString(CultureInfo.InvariantCulture), .. year.Months.Select(m => m is { } v ? F(v, "0.000") : ""), F(year.Mean, "0.000"),
                year.Days.ToString(CultureInfo.InvariantCulture)]));
        }
    }

    private static void Row(StringBuilder text, string name, double net, double gross, string format) => text.AppendLine(Cells(name, F(net, format), F(gross, format)));

    private static string Cells(params string[] cells) => "| " + string.Join(" | ", cells) + " |";

    private static string F(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";
}
