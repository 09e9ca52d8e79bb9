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
/// <c>equity.png</c>, <c>drawdown.png</c>, <c>ic_decay.png</c> and <c>quintiles.png</c>. With <c>--families all|a,b</c> it replays what the daemon trades instead
/// (<see cref="FamiliesBacktest"/>). Exit 0 when the acceptance gate passes, 1 when it fails, 2 on bad input
/// (including a window that overlaps a model's training data, unless <c>--allow-overlap</c>).
/// </summary>
internal static class BacktestCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var modelDir = new Option<string?>("--model-dir") { Description = "The models folder to replay (with --families: of the model family, instead of its configured models_dir)" };
        var families = new Option<string?>("--families")
        {
            Description = "Replay what the daemon trades: 'all' (the enabled families) or names separated by commas; the combined signal with the configured weights, each family alone, and each family's marginal contribution",
        };
        var start = new Option<string>("--start") { Description = "First trading day of the backtest (yyyy-MM-dd)", Required = true };
        var end = new Option<string>("--end") { Description = "Last trading day of the backtest (yyyy-MM-dd)", Required = true };
        var output = new Option<string?>("--out") { Description = "Report folder (default: reports/backtest_<start>_<end>)" };
        var data = CommonOptions.Data();
        var cost = CommonOptions.Number("--cost-bp", "Transaction cost per unit of turnover, basis points", new BacktestOptions().CostBasisPoints);
        var minSharpe = CommonOptions.Number("--min-sharpe", "Acceptance: Sharpe must exceed this", new BacktestOptions().MinSharpe);
        var maxDrawdown = CommonOptions.Number("--max-drawdown", "Acceptance: max drawdown must stay below this fraction", new BacktestOptions().MaxDrawdown);
        var allowOverlap = new Option<bool>("--allow-overlap") { Description = "Run even if the window overlaps a model's training data (the gate then fails)" };
        var trials = CommonOptions.Whole<int>("--trials", "Configurations tried before this one, for the deflated Sharpe ratio (default 1: none other)");
        var family = CommonOptions.Family();
        var combinerState = new Option<string?>("--combiner-state")
        {
            Description = "With --families and combiner.mode learned: start the learned weights from this state file (as the daemon resumes) and replace it with their state after the last day",
        };
        var command = new Command("backtest", "Offline backtest of the model family with an acceptance verdict; exit 0 PASS, 1 FAIL")
        {
            modelDir, start, end, output, data, cost, minSharpe, maxDrawdown, allowOverlap, trials, config, family, families, combinerState,
        };
        command.SetAction((result, ct) => CommonOptions.RunAsync(() =>
        {
            var request = new BacktestRequest(result.GetValue(config), result.GetValue(modelDir), result.GetValue(start)!, result.GetValue(end)!,
                result.GetValue(output), result.GetValue(data), new BacktestOptions
                {
                    CostBasisPoints = result.GetValue(cost),
                    MinSharpe = result.GetValue(minSharpe),
                    MaxDrawdown = result.GetValue(maxDrawdown),
                    AllowOverlap = result.GetValue(allowOverlap),
                    Trials = result.GetValue(trials) ?? new BacktestOptions().Trials,
                }) { CombinerState = result.GetValue(combinerState) };
            return result.GetValue(families) is { } selection
                ? result.GetValue(family) is not null
                    ? throw new UsageException("--family picks the one model family to backtest; with --families, name the families there")
                    : FamiliesBacktest.RunAsync(request, selection, ct)
                : RunAsync(request, result.GetValue(family), ct);
        }));
        return command;
    }

    private static async Task<int> RunAsync(BacktestRequest request, string? familyName, CancellationToken cancellationToken)
    {
        if (request.ModelDir is null)
        {
            throw new UsageException("--model-dir is required (or --families to replay the configured families)");
        }

        var (window, options) = (request.Window, request.Options);
        var modelDir = ExistingModelDir(request.ModelDir);
        var config = CommonOptions.LoadConfigOrThrow(request.ConfigPath);
        var history = LoadHistory(config, request);
        var state = Directory.CreateTempSubdirectory("alphahost-backtest-state").FullName;
        try
        {
            await using var session = await OfflineSession.OpenAsync(config, cancellationToken, stateRoot: state).ConfigureAwait(false);
            var (name, catalog) = session.Capable<IModelCatalog>(familyName, "be backtested");
            var handle = session.Families.Single(f => f.Name == name);
            var (checks, overlap, loaded) = await PrepareModelsAsync(session, config, name, catalog, modelDir, request).ConfigureAwait(false);
            Console.WriteLine($"backtest {name} {window} on {history.Source}: {loaded} model(s) from {modelDir}");
            var engine = new BacktestEngine([ReplayFamily.From(handle, session.Clock)], config, options);
            var run = (await ReplayAsync(engine, history, window, cancellationToken).ConfigureAwait(false)).Families[0].Run;

            var report = BacktestReport.From(run, options, name, modelDir, history, window, Skipped(history, run, checks), overlap, session.Clock.GetUtcNow());
            var folder = request.Folder;
            WriteFolder(folder, report, run, JsonSerializer.SerializeToUtf8Bytes(report, CommonOptions.JsonOutput), report.ToMarkdown());
            BacktestExpectation.Record(report, run, folder, checks, Console.Out);
            PrintVerdict(report, folder);
            return report.Verdict == "PASS" ? ExitCodes.Success : ExitCodes.CheckFailed;
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    /// <summary>A <c>--model-dir</c> that exists, as a full path.</summary>
    internal static string ExistingModelDir(string text)
    {
        var modelDir = Path.GetFullPath(text);
        return Directory.Exists(modelDir) ? modelDir : throw new UsageException($"{modelDir}: models folder not found");
    }

    /// <summary>The history up to the window's end; a window without a trading day is bad input.</summary>
    internal static MarketHistory LoadHistory(AlphaHostConfig config, BacktestRequest request)
    {
        var history = OfflineSession.LoadHistory(config, request.Data, null, request.Window.End);
        return history.Symbols.All(s => s.Last.Date < request.Window.Start) || MarketReplay.TradingDays(history, request.Window) == 0
            ? throw new UsageException($"{history.Source} has no bars in {request.Window}")
            : history;
    }

    /// <summary>
    /// Points a model family at <paramref name="modelDir"/> (when it is not its configured folder), validates the models,
    /// refuses a window that overlaps their training data (unless allowed), and loads them.
    /// </summary>
    internal static async Task<(IReadOnlyList<ModelCheck> Checks, string[] Overlap, int Loaded)> PrepareModelsAsync(OfflineSession session, AlphaHostConfig config, string family,
        IModelCatalog catalog, string modelDir, BacktestRequest request)
    {
        if (modelDir != Path.GetFullPath(catalog.ModelsDirectory) && await session.ApplyConfigAsync(WithModelsDir(config, family, modelDir)).ConfigureAwait(false) is { } refusal)
        {
            throw new UsageException(refusal);
        }

        var checks = catalog.Validate(modelDir);
        var overlap = checks.Where(c => c.TrainingPeriod is { } p && p.Overlaps(request.Window)).Select(c => $"{c.Folder} trained on {c.TrainingPeriod}").ToArray();
        if (overlap.Length > 0 && !request.Options.AllowOverlap)
        {
            throw new UsageException($"{family}: the window {request.Window} overlaps the training data of {overlap.Length} model(s), e.g. {overlap[0]}; pick a later window or pass --allow-overlap");
        }

        return (checks, overlap, catalog.LoadServingModels());
    }

    /// <summary>Runs the replay under a progress bar.</summary>
    internal static async Task<BacktestReplay> ReplayAsync(BacktestEngine engine, MarketHistory history, DatePeriod window, CancellationToken cancellationToken)
    {
        var days = 0;
        var replay = await AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("replay", maxValue: 1);
                var progress = new Callback(p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Done;
                    days = p.Total;
                });
                return await engine.RunAsync(history, window, progress, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);

        // The bar's fallback for an output that is not a terminal prints milestones, never a finished task: say it ended.
        Console.WriteLine($"replay: {days}/{days} trading day(s) done, 100 %");
        return replay;
    }

    /// <summary>Writes a report folder: <c>report.json</c> (when given), <c>report.md</c> and the charts of <paramref name="run"/>.</summary>
    internal static void WriteFolder(string folder, BacktestReport report, BacktestRun run, byte[]? json, string markdown)
    {
        Directory.CreateDirectory(folder);
        if (json is not null)
        {
            AtomicFile.Write(Path.Combine(folder, "report.json"), json, durable: false);
        }

        AtomicFile.Write(Path.Combine(folder, "report.md"), System.Text.Encoding.UTF8.GetBytes(markdown), durable: false);
        BacktestCharts.Write(folder, run, report.BenchmarkSymbol);
        BacktestCharts.WriteTearSheet(folder, report.TearSheet);
    }

    internal static void PrintVerdict(BacktestReport report, string folder)
    {
        foreach (var check in report.Acceptance)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(check.Passed ? "PASS" : "FAIL")} {check.Name}: {check.Value:0.####} (needs {check.Threshold})"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.Verdict}: Sharpe {report.Strategy.Sharpe:0.00} net of costs (the gated one; gross {report.StrategyGross.Sharpe:0.00}), max drawdown {report.Strategy.MaxDrawdown:P1}, {report.Days} days, {report.SymbolsProcessed} symbols; report {folder}"));
    }

    private static AlphaHostConfig WithModelsDir(AlphaHostConfig config, string family, string modelDir)
    {
        var section = config.Family(family);
        var values = new Dictionary<string, string>(section.Values) { ["models_dir"] = modelDir };
        var families = new Dictionary<string, FamilyConfig>(config.Families) { [family] = section with { Values = values } };
        return config with { Families = families };
    }

    internal static List<SkippedSymbol> Skipped(MarketHistory history, BacktestRun run, IReadOnlyList<ModelCheck> checks)
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
