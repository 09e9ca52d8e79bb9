using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;
using AlphaHost.Host.Scoring;

namespace AlphaHost.Host.Cli;

/// <summary>
/// <c>alphahost burn-in-report --family INSTANCE [--days N] [--max-model-errors N] [--json] [--config FILE]</c>: the
/// verdict on the model version a family instance serves now, from its live score journal and the newest backtest recorded
/// of the same model bytes (it must have PASSED, after their training data). Exit 0 PASS, 1 FAIL, 2 bad input (unknown
/// family, no live scores).
/// </summary>
internal static class BurnInReportCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var family = new Option<string>("--family") { Description = "The family instance (its state folder's name)", Required = true };
        var days = CommonOptions.Whole<int>("--days", $"Scored days the current model version must have served (default {new BurnInOptions().MinDays})");
        var maxErrors = CommonOptions.Whole<long>("--max-model-errors", $"Model errors allowed during the burn-in (default {new BurnInOptions().MaxModelErrors})");
        var json = CommonOptions.Json();
        var command = new Command("burn-in-report", "Burn-in verdict on the models a family instance serves: live scores against the backtest's expectation; exit 0 PASS, 1 FAIL")
        {
            family, days, maxErrors, json, config,
        };
        command.SetAction((result, ct) => CommonOptions.RunAsync(() => RunAsync(result.GetValue(config), result.GetValue(family)!, result.GetValue(days), result.GetValue(maxErrors),
            result.GetValue(json), ct)));
        return command;
    }

    private static async Task<int> RunAsync(string? configPath, string familyName, int? days, long? maxErrors, bool json, CancellationToken cancellationToken)
    {
        var options = new BurnInOptions();
        options = options with { MinDays = days ?? options.MinDays, MaxModelErrors = maxErrors ?? options.MaxModelErrors };
        if (options.MinDays < 1 || options.MaxModelErrors < 0)
        {
            throw new UsageException("--days must be >= 1 and --max-model-errors >= 0");
        }

        var config = CommonOptions.LoadConfigOrThrow(configPath);
        await using var session = await OfflineSession.OpenAsync(config, cancellationToken, capability: typeof(IModelCatalog)).ConfigureAwait(false);
        var (name, catalog) = session.Capable<IModelCatalog>(familyName, "be burned in");
        var path = LiveScoreJournal.PathOf(session.Paths.StateDir, name);
        var journal = LiveScoreJournal.Open(session.Paths.StateDir, name).Read(out var unreadable);
        if (journal.Count == 0)
        {
            throw new UsageException(File.Exists(path)
                ? $"{path}: no readable live score ({unreadable} unreadable line(s))"
                : $"{path}: no live scores yet; the daemon writes a line a trading day while {name} runs (live or shadow)");
        }

        var expectations = BacktestExpectation.Journal(catalog.ModelsDirectory);
        var governance = (session.Families.Single(f => f.Name == name).Family as IOperatorControls)?.ReadGovernance();
        var verdict = BurnInVerdict.Evaluate(name, journal, expectations.Read(), expectations.Path, governance, options);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                family = verdict.Family,
                model_version = verdict.ModelVersion,
                model_content = verdict.ModelContent,
                verdict = verdict.Passed ? "PASS" : "FAIL",
                first_signal_date = verdict.Days.FirstOrDefault()?.SignalDate,
                last_signal_date = verdict.Days.LastOrDefault()?.SignalDate,
                days_scored = verdict.ScoredDays,
                live = new { rank_ic_mean = verdict.LiveRankIcMean, rank_ic_std = verdict.LiveRankIcStd, horizon_days = LiveScorer.HorizonDays, horizon_rank_ic_mean = verdict.LiveHorizonRankIcMean },
                test = new { name = BurnInVerdict.TestName, alpha = options.Alpha, t = verdict.TStatistic, p = verdict.PValue },
                backtest = verdict.Backtest,
                expectation = verdict.Expectation,
                live_scores = path,
                checks = verdict.Checks,
            }, CommonOptions.JsonOutput));
        }
        else
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"burn-in {name}: {verdict.ModelVersion ?? "no model version"}, {verdict.ScoredDays} day(s) scored; live rank IC {Figure(verdict.LiveRankIcMean)}, {LiveScorer.HorizonDays}-day {Figure(verdict.LiveHorizonRankIcMean)} ({path})"));
            foreach (var check in verdict.Checks)
            {
                Console.WriteLine($"{(check.Passed ? "PASS" : "FAIL")} {check.Name}: {check.Reason}");
            }

            var failed = verdict.Checks.Count(c => !c.Passed);
            Console.WriteLine(failed == 0 ? $"PASS: {name} {verdict.ModelVersion} may be promoted" : $"FAIL: {failed} of {verdict.Checks.Count} checks failed");
        }

        return verdict.Passed ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    private static string Figure(double? value) => value is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
}
