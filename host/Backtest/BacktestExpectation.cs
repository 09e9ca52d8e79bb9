using System.Globalization;
using AlphaHost.Abstractions;
using AlphaHost.Host.Internal;

namespace AlphaHost.Host.Backtest;

/// <summary>
/// What a backtest expects of the models it replayed, kept as a line of <c>backtests.jsonl</c> in the models folder so
/// that <c>burn-in-report</c> can set the live scores of the same models against it. A line is about the models' bytes
/// (<see cref="ModelContent"/>), not the folder they were in: it stays true of a copy, and a promotion from another
/// models folder carries the lines along (<see cref="CarryTo"/>).
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

    /// <summary>The bytes of the models replayed (<see cref="FamilyHealth.ModelContent"/>); null when none served, or in a line written before it was recorded.</summary>
    public string? ModelContent { get; init; }

    public required string ModelDir { get; init; }

    /// <summary>The last day of training data of the models in the folder (the latest <c>training_data_period</c> end of their <c>model_meta.json</c>); null when none says.</summary>
    public DateOnly? TrainingEnd { get; init; }

    public required DatePeriod Window { get; init; }

    /// <summary>Days with a daily rank IC (signals scored against the next day's return).</summary>
    public required int Days { get; init; }

    public required double RankIcMean { get; init; }

    public required double RankIcStd { get; init; }

    public required double NetSharpe { get; init; }

    public required string Verdict { get; init; }

    /// <summary>The report folder.</summary>
    public required string Report { get; init; }

    /// <param name="report">The finished backtest's report.</param>
    /// <param name="run">Its replay.</param>
    /// <param name="reportFolder">Where the report was written.</param>
    /// <param name="checks">The models folder's validation, whose training periods say when the training data ended.</param>
    public static BacktestExpectation From(BacktestReport report, BacktestRun run, string reportFolder, IReadOnlyList<ModelCheck> checks) => new()
    {
        At = report.GeneratedAt,
        Family = report.Family,
        ModelVersion = run.FinalHealth?.ModelVersion,
        ModelContent = run.FinalHealth?.ModelContent,
        ModelDir = report.ModelDir,
        TrainingEnd = checks.Select(c => c.TrainingPeriod?.End).Max(),
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
    public static void Record(BacktestReport report, BacktestRun run, string reportFolder, IReadOnlyList<ModelCheck> checks, TextWriter output)
    {
        var expectation = From(report, run, reportFolder, checks);
        var journal = Journal(report.ModelDir);
        try
        {
            journal.Append(expectation);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"expectation for {expectation.ModelVersion ?? "no model version"} ({Short(expectation.ModelContent)}): backtest verdict {expectation.Verdict}, rank IC {expectation.RankIcMean:0.0000} (std {expectation.RankIcStd:0.0000}, {expectation.Days} days) recorded in {journal.Path}"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            output.WriteLine($"warning: {journal.Path}: the expectation could not be recorded ({ex.Message}); burn-in-report will not find it");
        }
    }

    /// <summary>
    /// Appends to <paramref name="toModelsDir"/>'s journal the lines of <paramref name="fromModelsDir"/>'s it lacks, so
    /// that models promoted from one models folder into the other keep their backtests. Each line names the bytes it is
    /// about, so a line of other models is carried harmlessly: no burn-in of other bytes reads it.
    /// </summary>
    /// <returns>The lines carried.</returns>
    public static int CarryTo(string fromModelsDir, string toModelsDir)
    {
        var target = Journal(toModelsDir);
        var present = target.Read().Select(Key).ToHashSet();
        var carried = 0;
        foreach (var line in Journal(fromModelsDir).Read().Where(e => e.ModelContent is not null && !present.Contains(Key(e))))
        {
            target.Append(line);
            carried++;
        }

        return carried;
    }

    /// <summary>The first 12 hex digits of a content hash, for a line a person reads.</summary>
    public static string Short(string? content) =>
        content is null ? "content unknown" : content.StartsWith("sha256-", StringComparison.Ordinal) && content.Length > 19 ? content[..19] : content;

    private static (DateTimeOffset, string?, string) Key(BacktestExpectation e) => (e.At, e.ModelContent, e.Report);
}
