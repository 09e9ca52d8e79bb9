using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Internal;
using Spectre.Console;

namespace AlphaHost.Host.Cli;

/// <summary>
/// <c>alphahost backtest --model-dir D --start DATE --end DATE [--out DIR] [--data DIR]</c>: replays the period through the
/// model family with the models of D, trades its signals, and writes <c>report.json</c>, <c>report.md</c>,
/// <c>equity.png</c> and <c>drawdown.png</c>. Exit 0 when the acceptance gate passes, 1 when it fails, 2 on bad input
/// (including a window that overlaps a model's training data, unless <c>--allow-overlap</c>).
/// </summary>
internal static class BacktestCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var modelDir = new Option<string>("--model-dir") { Description = "The models folder to replay", Required = true };
        var start = new Option<string>("--start") { Description = "First trading day of the backtest (yyyy-MM-dd)", Required = true };
        var end = new Option<string>("--end") { Description = "Last trading day of the backtest (yyyy-MM-dd)", Required = true };
        var output = new Option<string?>("--out") { Description = "Report folder (default: reports/backtest_<start>_<end>)" };
        var data = CommonOptions.Data();
        var cost = CommonOptions.Number("--cost-bp", "Transaction cost per unit of turnover, basis points", new BacktestOptions().CostBasisPoints);
        var minSharpe = CommonOptions.Number("--min-sharpe", "Acceptance: Sharpe must exceed this", new BacktestOptions().MinSharpe);
        var maxDrawdown = CommonOptions.Number("--max-drawdown", "Acceptance: max drawdown must stay below this fraction", new BacktestOptions().MaxDrawdown);
        var allowOverlap = new Option<bool>("--allow-overlap") { Description = "Run even if the window overlaps a model's training data (the gate then fails)" };
        var family = CommonOptions.Family();
        var command = new Command("backtest", "Offline backtest of the model family with an acceptance verdict; exit 0 PASS, 1 FAIL")
        {
            modelDir, start, end, output, data, cost, minSharpe, maxDrawdown, allowOverlap, config, family,
        };
        command.SetAction((result, ct) => CommonOptions.RunAsync(() => RunAsync(result.GetValue(config), result.GetValue(modelDir)!, result.GetValue(start)!, result.GetValue(end)!,
            result.GetValue(output), result.GetValue(data), result.GetValue(family), new BacktestOptions
            {
                CostBasisPoints = result.GetValue(cost),
                MinSharpe = result.GetValue(minSharpe),
                MaxDrawdown = result.GetValue(maxDrawdown),
                AllowOverlap = result.GetValue(allowOverlap),
            }, ct)));
        return command;
    }

    private static async Task<int> RunAsync(string? configPath, string modelDirText, string startText, string endText, string? output, string? data, string? familyName,
        BacktestOptions options, CancellationToken cancellationToken)
    {
        var (start, end) = CommonOptions.Period(startText, endText);
        var window = new DatePeriod(start!.Value, end!.Value);
        if (options.CostBasisPoints < 0 || options.MaxDrawdown is <= 0 or > 1)
        {
            throw new UsageException("--cost-bp must be >= 0 and --max-drawdown between 0 and 1");
        }

        var modelDir = Path.GetFullPath(modelDirText);
        if (!Directory.Exists(modelDir))
        {
            throw new UsageException($"{modelDir}: models folder not found");
        }

        var config = CommonOptions.LoadConfigOrThrow(configPath);
        var history = OfflineSession.LoadHistory(config, data, null, window.End);
        if (history.Symbols.All(s => s.Last.Date < window.Start))
        {
            throw new UsageException($"{history.Source} has no bars in {window}");
        }

        var state = Directory.CreateTempSubdirectory("alphahost-backtest-state").FullName;
        try
        {
            await using var session = await OfflineSession.OpenAsync(config, cancellationToken, stateRoot: state).ConfigureAwait(false);
            var (name, catalog) = session.Capable<IModelCatalog>(familyName, "be backtested");
            var handle = session.Catalog.Families.Single(f => f.Name == name);
            if (session.Catalog.ApplyConfig(WithModelsDir(config, name, modelDir)) is { } refusal)
            {
                throw new UsageException(refusal);
            }

            var checks = catalog.Validate(modelDir);
            var overlap = checks.Where(c => c.TrainingPeriod is { } p && p.Overlaps(window)).Select(c => $"{c.Folder} trained on {c.TrainingPeriod}").ToArray();
            if (overlap.Length > 0 && !options.AllowOverlap)
            {
                throw new UsageException($"the window {window} overlaps the training data of {overlap.Length} model(s), e.g. {overlap[0]}; pick a later window or pass --allow-overlap");
            }

            var loaded = catalog.LoadServingModels();
            Console.WriteLine($"backtest {name} {window} on {history.Source}: {loaded} model(s) from {modelDir}");
            var engine = new BacktestEngine(handle.Family, options);
            var run = await AnsiConsole.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("replay", maxValue: 1);
                    var progress = new Callback(p =>
                    {
                        task.MaxValue = p.Total;
                        task.Value = p.Done;
                    });
                    return await engine.RunAsync(history, window, progress, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);

            var report = BacktestReport.From(run, options, name, modelDir, history, window, Skipped(history, run, checks), overlap);
            var folder = Path.GetFullPath(output ?? Path.Combine("reports", $"backtest_{window.Start:yyyyMMdd}_{window.End:yyyyMMdd}"));
            Directory.CreateDirectory(folder);
            AtomicFile.Write(Path.Combine(folder, "report.json"), JsonSerializer.SerializeToUtf8Bytes(report, CommonOptions.JsonOutput), durable: false);
            AtomicFile.Write(Path.Combine(folder, "report.md"), System.Text.Encoding.UTF8.GetBytes(report.ToMarkdown()), durable: false);
            BacktestExpectation.Record(report, run, folder, Console.Out);
            BacktestCharts.Write(folder, run, report.BenchmarkSymbol);

            foreach (var check in report.Acceptance)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(check.Passed ? "PASS" : "FAIL")} {check.Name}: {check.Value:0.####} (needs {check.Threshold})"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.Verdict}: Sharpe {report.Strategy.Sharpe:0.00}, max drawdown {report.Strategy.MaxDrawdown:P1}, {report.Days} days, {report.SymbolsProcessed} symbols; report {folder}"));
            return report.Verdict == "PASS" ? ExitCodes.Success : ExitCodes.CheckFailed;
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static AlphaHostConfig WithModelsDir(AlphaHostConfig config, string family, string modelDir)
    {
        var section = config.Family(family);
        var values = new Dictionary<string, string>(section.Values) { ["models_dir"] = modelDir };
        var families = new Dictionary<string, FamilyConfig>(config.Families) { [family] = section with { Values = values } };
        return config with { Families = families };
    }

    private static List<SkippedSymbol> Skipped(MarketHistory history, BacktestRun run, IReadOnlyList<ModelCheck> checks)
    {
        var latest = checks.Where(c => c.Folder.Contains('_', StringComparison.Ordinal))
            .GroupBy(c => c.Folder[..c.Folder.IndexOf('_', StringComparison.Ordinal)], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(c => c.Folder, StringComparer.Ordinal).Last(), StringComparer.Ordinal);
        return history.Symbols.Where(s => !run.Processed.Contains(s.Symbol)).Select(s => new SkippedSymbol(s.Symbol,
            !latest.TryGetValue(s.Symbol, out var check) ? "no model in the models folder"
            : !check.IsOk ? $"model {check.Folder} refused: {check.Status}"
            : "no valid features in the window (history too short, or not trading)")).ToList();
    }

    private sealed class Callback(Action<(int Done, int Total)> report) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => report(value);
    }
}
