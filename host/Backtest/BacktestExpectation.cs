using System.Globalization;
using AlphaHost.Abstractions;
using AlphaHost.Host.Internal;

namespace AlphaHost.Host.Backtest;

/// <summary>
/// What a backtest expects of the models it replayed, kept as a line of <c>backtests.jsonl</c> in the models folder so
/// that <c>burn-in-report</c> can set the live scores of the same model version against it.
/// </summary>
internal sealed record BacktestExpectation
{
    public const string FileName = "backtests.jsonl";

    /// <summary>Backtests kept in the journal (the newest).</summary>
    public const int Retain = 500;

    public required DateTimeOffset At { get; init; }

    public required string Family { get; init; }

    /// <summary>The model version the family reported while it was replayed (its serving set); null when none served.</summary>
    public required string? ModelVersion { get; init; }

    public required string ModelDir { get; init; }

    public required DatePeriod Window { get; init; }

    /// <summary>Days with a daily rank IC (signals scored against the next day's return).</summary>
    public required int Days { get; init; }

    public required double RankIcMean { get; init; }

    public required double RankIcStd { get; init; }

    public required double NetSharpe { get; init; }

    public required string Verdict { get; init; }

    /// <summary>The report folder.</summary>
    public required string Report { get; init; }

    public static BacktestExpectation From(BacktestReport report, BacktestRun run, string reportFolder) => new()
    {
        At = report.GeneratedAt,
        Family = report.Family,
        ModelVersion = run.FinalHealth?.ModelVersion,
        ModelDir = report.ModelDir,
        Window = report.Window,
        Days = run.RankIc.Count,
        RankIcMean = report.Ic.RankMean,
        RankIcStd = report.Ic.RankStd,
        NetSharpe = report.Strategy.Sharpe,
        Verdict = report.Verdict,
        Report = reportFolder,
    };

    public static JsonLinesJournal<BacktestExpectation> Journal(string modelDir) => new(Path.Combine(modelDir, FileName), Retain);

    /// <summary>Appends the expectation of a finished backtest to its models folder and says where (a folder that cannot be written is told, not fatal).</summary>
    public static void Record(BacktestReport report, BacktestRun run, string reportFolder, TextWriter output)
    {
        var expectation = From(report, run, reportFolder);
        var journal = Journal(report.ModelDir);
        try
        {
            journal.Append(expectation);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"expectation for {expectation.ModelVersion ?? "no model version"}: rank IC {expectation.RankIcMean:0.0000} (std {expectation.RankIcStd:0.0000}, {expectation.Days} days) recorded in {journal.Path}"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            output.WriteLine($"warning: {journal.Path}: the expectation could not be recorded ({ex.Message}); burn-in-report will not find it");
        }
    }
}
