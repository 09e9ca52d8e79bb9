using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;

namespace AlphaHost.Host.Cli;

/// <summary>What every backtest is asked: the config, the window, where the report goes, the market and the trading rule.</summary>
internal sealed record BacktestRequest(string? ConfigPath, string? ModelDir, string StartText, string EndText, string? Output, string? Data, BacktestOptions Options)
{
    public DatePeriod Window { get; } = Parse(StartText, EndText, Options);

    /// <summary>
    /// <c>--combiner-state FILE</c> (with <c>--families</c>): the learned combiner starts from this state file, as the
    /// daemon resumes from <c>runtime/combiner.json</c>, and the file is replaced with its state after the last day; null: a fresh state.
    /// </summary>
    public string? CombinerState { get; init; }

    /// <summary>The report folder: <c>--out</c>, else <c>reports/backtest_&lt;start&gt;_&lt;end&gt;</c>.</summary>
    public string Folder => Path.GetFullPath(Output ?? Path.Combine("reports", $"backtest_{Window.Start:yyyyMMdd}_{Window.End:yyyyMMdd}"));

    private static DatePeriod Parse(string start, string end, BacktestOptions options)
    {
        var (from, to) = CommonOptions.Period(start, end);
        if (options.CostBasisPoints < 0 || options.MaxDrawdown is <= 0 or > 1)
        {
            throw new UsageException("--cost-bp must be >= 0 and --max-drawdown between 0 and 1");
        }

        return options.Trials < 1
            ? throw new UsageException($"--trials {options.Trials}: the number of configurations tried must be at least 1")
            : new DatePeriod(from!.Value, to!.Value);
    }
}
