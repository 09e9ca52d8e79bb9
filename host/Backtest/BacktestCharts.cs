using ScottPlot;

namespace AlphaHost.Host.Backtest;

/// <summary>The report's charts, drawn with ScottPlot: equity curves (strategy net and gross, benchmark) and the strategy's drawdown.</summary>
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

    private static void Line(Plot plot, DateTime[] dates, double[] values, string label)
    {
        var line = plot.Add.Scatter(dates, values);
        line.MarkerSize = 0;
        line.LegendText = label;
    }

    private static void Save(Plot plot, string path)
    {
        var temp = path + ".tmp.png";
        plot.SavePng(temp, 1000, 500);
        File.Move(temp, path, overwrite: true);
    }
}
