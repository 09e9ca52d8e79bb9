using System.CommandLine;
using System.Globalization;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using Spectre.Console;

namespace AlphaHost.Host.Cli;

/// <summary>
/// <c>alphahost train (--symbols A,B | --all) [--data DIR] [--start DATE] [--end DATE] [--out DIR]</c>: trains per-symbol
/// models with the installed trainable family, with a progress bar, and lists what was trained and what was skipped and why.
/// Exit 0 when at least one model was written, 1 when none could be, 2 on bad input.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var symbols = new Option<string?>("--symbols") { Description = "Comma-separated symbols to train" };
        var all = new Option<bool>("--all") { Description = "Train every symbol of the data" };
        var data = CommonOptions.Data();
        var start = CommonOptions.Date("--start", "First date of the training data (default: the data's first)");
        var end = CommonOptions.Date("--end", "Last date of the training data (default: the data's last)");
        var output = new Option<string?>("--out") { Description = "Models folder (default: the family's models_dir, models/ml_alpha)" };
        var family = CommonOptions.Family();
        var command = new Command("train", "Train per-symbol ML models; each model and its model_meta.json are written atomically")
        {
            config, symbols, all, data, start, end, output, family,
        };
        command.SetAction((result, ct) => CommonOptions.RunAsync(() => TrainAsync(
            result.GetValue(config), result.GetValue(symbols), result.GetValue(all), result.GetValue(data),
            result.GetValue(start), result.GetValue(end), result.GetValue(output), result.GetValue(family), ct)));
        return command;
    }

    private static async Task<int> TrainAsync(string? configPath, string? symbolsText, bool all, string? data, string? start, string? end,
        string? output, string? familyName, CancellationToken cancellationToken)
    {
        var (from, to) = CommonOptions.Period(start, end);
        var config = CommonOptions.LoadConfigOrThrow(configPath);
        await using var session = await OfflineSession.OpenAsync(config, cancellationToken, capability: typeof(ITrainableFamily)).ConfigureAwait(false);
        var (name, trainer) = session.Capable<ITrainableFamily>(familyName, "train");
        var (request, described) = NewRequest(config, data, from, to, symbolsText, all, output, trainer);
        var symbols = request.Symbols;

        Console.WriteLine($"training {symbols.Count} symbol(s) with family {name} on {described}");
        var summary = await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("train", maxValue: symbols.Count);
                var progress = new Callback(p =>
                {
                    task.Value = p.Done;
                    task.Description = $"train {p.Done}/{p.Total} {p.Symbol}";
                });
                return await trainer.TrainAsync(request, progress, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);

        Print(summary);
        return summary.Trained.Count > 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    private static void Print(TrainingSummary summary)
    {
        Console.WriteLine($"models folder: {summary.OutputDirectory}");
        Console.WriteLine($"{"SYMBOL",-8} {"IC",8} {"RANK_IC",8} {"RMSE",9} {"TRAIN",6} {"VALID",6}  FOLDER");
        foreach (var model in summary.Trained)
        {
            var m = model.Metrics;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{model.Symbol,-8} {m.GetValueOrDefault("ic"),8:0.0000} {m.GetValueOrDefault("rank_ic"),8:0.0000} {m.GetValueOrDefault("rmse"),9:0.000000} {m.GetValueOrDefault("train_rows"),6:0} {m.GetValueOrDefault("validation_rows"),6:0}  {Path.GetFileName(model.Location)}"));
        }

        foreach (var skipped in summary.Skipped)
        {
            Console.WriteLine($"{skipped.Symbol,-8} SKIPPED: {skipped.Reason}");
        }

        Console.WriteLine($"trained {summary.Trained.Count}, skipped {summary.Skipped.Count}");
    }

    /// <summary>
    /// The request, and the data it covers in words. The request holds the only reference to the loaded history, so a
    /// family that releases it (<see cref="TrainingRequest.ReleaseHistory"/>) lets the bars be collected during its fit.
    /// </summary>
    /// <remarks>With <c>--symbols</c> only the files the family needs to train them are read
    /// (<see cref="ITrainableFamily.TrainingInputs"/>; for the ML family: their sectors' and the benchmark).</remarks>
    private static (TrainingRequest Request, string Described) NewRequest(AlphaHostConfig config, string? data, DateOnly? from, DateOnly? to,
        string? symbolsText, bool all, string? output, ITrainableFamily trainer)
    {
        var asked = !all && symbolsText is not null ? SymbolList.Parse(symbolsText) : null;
        var history = OfflineSession.LoadHistory(config, data, from, to, asked is null ? null : universe => trainer.TrainingInputs(universe, asked));
        var symbols = SymbolList.Resolve(symbolsText, all, history);
        var described = $"{history.Source}, {First(history):yyyy-MM-dd}..{Last(history):yyyy-MM-dd}";
        return (new TrainingRequest(history, symbols, output is null ? null : Path.GetFullPath(output), ModelSwitchCommands.Origin($"trained on {described}")), described);
    }

    private static DateOnly First(MarketHistory history) => history.Symbols.Min(s => s.Bars.Span[0].Date);

    private static DateOnly Last(MarketHistory history) => history.Symbols.Max(s => s.Last.Date);

    /// <summary>Reports on the training thread at once (under a lock), so the bar is current when training returns.</summary>
    private sealed class Callback(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        private readonly Lock _lock = new();

        public void Report(TrainingProgress value)
        {
            lock (_lock)
            {
                report(value);
            }
        }
    }
}
