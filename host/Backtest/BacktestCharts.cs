using ScottPlot;

namespace AlphaHost.Host.Backtest;

/// <summary>
/// The report's charts, drawn with ScottPlot: equity curves (strategy net and gross, benchmark) and the strategy's drawdown;
/// for the tear sheet, the IC decay and the quintile forward returns.
/// </summary>
internal static class BacktestCharts
{
    public static void Write(string folder, BacktestRun run, string benchmarkSymbol)
    {
        var dates = run.Dates.Select(d => d.ToDateTime(TimeOnly.MinValue)).ToArray();
        if (dates.Length == 0)
        {
            return;
        }

        var equity = new Plot();
        Line(equity, dates, Stats.Equity(run.Net), "strategy (net of costs)");
        Line(equity, dates, Stats.Equity(run.Gross), "strategy (gross)");
        Line(equity, dates, Stats.Equity(run.Benchmark), $"{benchmarkSymbol} buy-and-hold");
        equity.Axes.DateTimeTicksBottom();
        equity.Title("Equity (start = 1)");
        equity.ShowLegend(Alignment.UpperLeft);
        Save(equity, Path.Combine(folder, "equity.png"));

        var drawdown = new Plot();
        var net = Stats.Drawdown(Stats.Equity(run.Net)).Select(d => d * 100).ToArray();
        var fill = drawdown.Add.Scatter(dates, net);
        fill.FillY = true;
        fill.MarkerSize = 0;
        fill.LegendText = "strategy drawdown (%)";
        drawdown.Axes.DateTimeTicksBottom();
        drawdown.Title("Drawdown from peak (%)");
        drawdown.ShowLegend(Alignment.LowerLeft);
        Save(drawdown, Path.Combine(folder, "drawdown.png"));
    }

    /// <summary><c>ic_decay.png</c> (mean IC and rank IC per horizon) and <c>quintiles.png</c> (mean forward return per quintile, 1 and 5 days).</summary>
    public static void WriteTearSheet(string folder, TearSheet sheet)
    {
        var decay = new Plot();
        var horizons = sheet.IcDecay.Select(h => $"{h.Horizon} d").ToArray();
        Bars(decay, [("IC", sheet.IcDecay.Select(h => h.Mean).ToArray()), ("rank IC", sheet.IcDecay.Select(h => h.RankMean).ToArray())], horizons);
        decay.Title("IC decay: mean daily IC by forward horizon");
        Save(decay, Path.Combine(folder, "ic_decay.png"));

        var quintiles = new Plot();
        var shown = sheet.Quintiles.Where(q => q.Horizon is 1 or 5).ToArray();
        Bars(quintiles, shown.Select(q => ($"{q.Horizon}-day forward return (bp)", q.Means.Select(m => m * 10_000).ToArray())).ToArray(), ["Q1", "Q2", "Q3", "Q4", "Q5"]);
        quintiles.Title("Mean forward return by signal quintile (Q1 lowest), before costs");
        Save(quintiles, Path.Combine(folder, "quintiles.png"));
    }

    /// <summary>Side-by-side bars, one series per colour, one group per label; a missing (NaN) value draws no bar.</summary>
    private static void Bars(Plot plot, (string Label, double[] Values)[] series, string[] groups)
    {
        var width = 0.8 / series.Length;
        for (var s = 0; s < series.Length; s++)
        {
            var color = plot.Add.Palette.GetColor(s);
            var bars = series[s].Values.Select((v, g) => (v, g)).Where(b => double.IsFinite(b.v))
                .Select(b => new Bar { Position = b.g - 0.4 + (width * (s + 0.5)), Value = b.v, Size = width, FillColor = color }).ToArray();
            plot.Add.Bars(bars);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Label, FillColor = color });
        }

        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, groups.Length).Select(g => (double)g).ToArray(), groups);
        plot.Add.HorizontalLine(0, color: Colors.Black);
        // Beside the bars, not over them: the tallest bar is where a corner legend would sit.
        plot.ShowLegend(Edge.Right);
    }

    private static void Line(Plot plot, DateTime[] dates, double[] values, string label)
    {
        var line = plot.Add.Scatter(dates, values);
        line.MarkerSize = 0;
        line.LegendText = label;
    }

    private static void Save(Plot plot, string path)
    {
        AtomicFile.Write(path, plot.GetImageBytes(1000, 500, ImageFormat.Png), durable: false);
    }
}
