using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Internal;

namespace AlphaHost.Host.Cli;

/// <summary>
/// <c>alphahost evaluate [--scope symbol|universe|both] [--first-year Y] [--last-year Y] [--data DIR] [--out DIR]</c>:
/// walk-forward evaluation of the model family. Each test year is scored by models retrained on every earlier year
/// (with the label embargo), per scope; writes <c>evaluation.json</c> and <c>evaluation.md</c> and prints the table.
/// Exit 0 when every scope was scored, 1 when one could not be, 2 on bad input.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var data = CommonOptions.Data();
        var scope = new Option<string>("--scope") { Description = "Model scope(s) to evaluate: symbol, universe or both", DefaultValueFactory = _ => "both" };
        var firstYear = new Option<int>("--first-year") { Description = "First out-of-sample year", DefaultValueFactory = _ => 2010 };
        var lastYear = new Option<int>("--last-year") { Description = "Last out-of-sample year", DefaultValueFactory = _ => 2018 };
        var cost = CommonOptions.Number("--cost-bp", "Transaction cost per unit of turnover, basis points", 5);
        var output = new Option<string?>("--out") { Description = "Report folder (default: reports/evaluate_<first>_<last>)" };
        var family = CommonOptions.Family();
        var command = new Command("evaluate", "Walk-forward evaluation: retrain before each test year, score it out of sample; per-window and pooled IC, rank IC, ICIR, Sharpe")
        {
            config, data, scope, firstYear, lastYear, cost, output, family,
        };
        command.SetAction((result, ct) => CommonOptions.RunAsync(() => RunAsync(result.GetValue(config), result.GetValue(data), result.GetValue(scope)!, result.GetValue(firstYear),
            result.GetValue(lastYear), result.GetValue(cost), result.GetValue(output), result.GetValue(family), ct)));
        return command;
    }

    private static async Task<int> RunAsync(string? configPath, string? data, string scopeText, int firstYear, int lastYear, double costBp, string? output, string? familyName,
        CancellationToken cancellationToken)
    {
        string[] scopes = scopeText switch
        {
            "both" => ["symbol", "universe"],
            "symbol" or "universe" => [scopeText],
            _ => throw new UsageException($"--scope: '{scopeText}' is not one of symbol, universe, both"),
        };
        if (firstYear > lastYear || firstYear < 1900 || lastYear > 2200 || costBp < 0)
        {
            throw new UsageException($"--first-year {firstYear} must not be after --last-year {lastYear}, and --cost-bp must be >= 0");
        }

        var config = CommonOptions.LoadConfigOrThrow(configPath);
        var (request, source) = NewRequest(config, data, firstYear, lastYear, scopes, costBp);

        await using var session = await OfflineSession.OpenAsync(config, cancellationToken).ConfigureAwait(false);
        var (name, evaluator) = session.Capable<IEvaluableFamily>(familyName, "be evaluated");
        Console.WriteLine($"evaluate {name} walk-forward {firstYear}..{lastYear} ({string.Join(", ", scopes)}) on {source}");
        var report = await evaluator.EvaluateAsync(request, new Callback(Console.WriteLine), cancellationToken).ConfigureAwait(false);

        var folder = Path.GetFullPath(output ?? Path.Combine("reports", $"evaluate_{firstYear}_{lastYear}"));
        Directory.CreateDirectory(folder);
        AtomicFile.Write(Path.Combine(folder, "evaluation.json"), JsonSerializer.SerializeToUtf8Bytes(new { family = name, source, report }, CommonOptions.JsonOutput), durable: false);
        var markdown = Markdown(name, source, report);
        AtomicFile.Write(Path.Combine(folder, "evaluation.md"), Encoding.UTF8.GetBytes(markdown), durable: false);
        Console.Write(markdown);
        Console.WriteLine($"report {folder}");
        return scopes.All(s => report.Overall.Any(o => o.Scope == s)) ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    /// <summary>
    /// The request, and where its data came from. The request holds the only reference to the loaded history (this
    /// method's locals end here, not in the async caller's state), so a family that releases it
    /// (<see cref="EvaluationRequest.ReleaseHistory"/>) lets the bars be collected during its fits.
    /// </summary>
    private static (EvaluationRequest Request, string Source) NewRequest(AlphaHostConfig config, string? data, int firstYear, int lastYear, string[] scopes, double costBp)
    {
        var history = OfflineSession.LoadHistory(config, data, null, new DateOnly(lastYear, 12, 31));
        if (history.Symbols.All(s => s.Last.Date.Year < firstYear))
        {
            throw new UsageException($"{history.Source} has no bars in {firstYear}..{lastYear}");
        }

        return (new EvaluationRequest(history, Enumerable.Range(firstYear, lastYear - firstYear + 1).ToArray(), scopes, costBp), history.Source);
    }

    private static string Markdown(string family, string source, EvaluationReport report)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Walk-forward evaluation of {family}\n\nData: {source}. Configurations tried: {report.ConfigurationsTried} (one per scope, fixed parameters, no search).\n\n");
        text.Append("| scope | test | trained to | train rows | models | days | IC | rank IC | ICIR | rank IC 1d | Sharpe gross | Sharpe net | turnover |\n");
        text.Append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var row in report.Windows.Concat(report.Overall.Select(o => o with { Window = $"**{o.Window}**" })))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {row.Scope} | {row.Window} | {row.TrainEnd:yyyy-MM-dd} | {row.TrainRows} | {row.Models} | {row.Days} | {row.Ic:0.0000} | {row.RankIc:0.0000} | {row.RankIcir:0.000} | {row.RankIc1d:0.0000} | {row.GrossSharpe:0.00} | {row.NetSharpe:0.00} | {row.Turnover:0.000} |\n");
        }

        text.Append('\n');
        foreach (var (key, value) in report.Parameters)
        {
            text.Append(CultureInfo.InvariantCulture, $"- {key}: {value}\n");
        }

        return text.ToString();
    }

    private sealed class Callback(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
