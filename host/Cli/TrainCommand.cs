using System.CommandLine;
using System.Globalization;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using Spectre.Console;

namespace AlphaHost.Host.Cli;

/// <summary>
/// <c>alphahost train (--symbols A,B | --all) [--data DIR] [--start DATE] [--end DATE] [--out DIR] [--contract NAME]</c>: trains
/// models with the installed trainable family (on the named feature contract, else on the one its config names), with a progress bar, and lists what was trained and what was skipped and why.
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
        var contract = new Option<string?>("--contract")
        {
            Description = "Feature contract to train on, e.g. ml_v2 (default: the family's contract setting, ml_v1); the models declare it and are served only by a family serving it",
        };
        var jobs = new Option<int?>("--jobs")
        {
            Description = "Instances of the family training disjoint sets of symbols at once, each in its own load context, for a family that trains each symbol alone (per-symbol models); default: the machine's cores",
        };
        var command = new Command("train", "Train ML models: one pooled model over the symbols (training.scope: universe, the default) or one model per symbol (training.scope: symbol); each model and its model_meta.json are written atomically")
        {
            config, symbols, all, data, start, end, output, family, contract, jobs,
        };
        command.SetAction((result, ct) => CommonOptions.RunAsync(() => TrainAsync(
            result.GetValue(config), result.GetValue(symbols), result.GetValue(all), result.GetValue(data),
            result.GetValue(start), result.GetValue(end), result.GetValue(output), result.GetValue(family), result.GetValue(contract), result.GetValue(jobs), ct)));
        return command;
    }

    private static async Task<int> TrainAsync(string? configPath, string? symbolsText, bool all, string? data, string? start, string? end,
        string? output, string? familyName, string? contract, int? jobs, CancellationToken cancellationToken)
    {
        if (jobs is < 1)
        {
            throw new UsageException($"--jobs {jobs}: must be at least 1");
        }

        var (from, to) = CommonOptions.Period(start, end);
        var (config, opened, name, trainer) = await OpenAsync(CommonOptions.LoadConfigOrThrow(configPath), familyName, contract, cancellationToken).ConfigureAwait(false);
        await using var session = opened;
        var (request, described) = NewRequest(config, data, from, to, symbolsText, all, output, trainer);
        var symbols = request.Symbols;
        var parts = trainer.TrainsEachSymbolAlone ? Math.Min(jobs ?? Environment.ProcessorCount, symbols.Count) : 1;

        // More instances of the family, each in a load context of its own (its own copy of the family's libraries).
        var sessions = new List<OfflineSession> { session };
        try
        {
            var trainers = new List<ITrainableFamily> { trainer };
            while (trainers.Count < parts)
            {
                var more = await OfflineSession.OpenAsync(config, cancellationToken, capability: typeof(ITrainableFamily)).ConfigureAwait(false);
                sessions.Add(more);
                trainers.Add(more.Capable<ITrainableFamily>(name, "train").Family);
            }

            Console.WriteLine($"training {symbols.Count} symbol(s) with family {name} on {described}{(parts > 1 ? $", {parts} instances at once" : "")}");
            var summary = await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("train", maxValue: symbols.Count);
                    var progress = new Callback(symbols.Count, parts, p =>
                    {
                        task.Value = p.Done;
                        task.Description = $"train {p.Done}/{p.Total} {p.Symbol}";
                    });
                    return await TrainPartsAsync(trainers, Split(request, parts), progress, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);

            // The bar's fallback for an output that is not a terminal prints milestones, never a finished task: say it ended.
            Console.WriteLine($"train: {symbols.Count}/{symbols.Count} symbol(s) done, 100 %");
            Print(summary);
            return summary.Trained.Count > 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
        }
        finally
        {
            foreach (var more in sessions.Skip(1))
            {
                await more.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A session and its trainable family. With <paramref name="contract"/>, the family's <c>contract</c> setting is that
    /// contract for this run: a family serves one contract from its start, so the session is opened again with it.
    /// </summary>
    private static async Task<(AlphaHostConfig Config, OfflineSession Session, string Name, ITrainableFamily Trainer)> OpenAsync(AlphaHostConfig config,
        string? familyName, string? contract, CancellationToken cancellationToken)
    {
        var first = await OfflineSession.OpenAsync(config, cancellationToken, capability: typeof(ITrainableFamily)).ConfigureAwait(false);
        var (name, trainer) = await CapableAsync(first, familyName, "train").ConfigureAwait(false);
        if (contract is null)
        {
            return (config, first, name, trainer);
        }

        await first.DisposeAsync().ConfigureAwait(false);
        if (!config.Families.TryGetValue(name, out var section))
        {
            throw new UsageException($"--contract {contract}: the config has no families.{name} section to set it in");
        }

        var values = new Dictionary<string, string>(section.Values, StringComparer.Ordinal) { ["contract"] = contract };
        config = config with { Families = new Dictionary<string, FamilyConfig>(config.Families, StringComparer.Ordinal) { [name] = section with { Values = values } } };
        var session = await OfflineSession.OpenAsync(config, cancellationToken, capability: typeof(ITrainableFamily)).ConfigureAwait(false);
        return (config, session, name, (await CapableAsync(session, name, $"train on contract {contract}").ConfigureAwait(false)).Family);
    }

    private static async Task<(string Name, ITrainableFamily Family)> CapableAsync(OfflineSession session, string? familyName, string what)
    {
        try
        {
            return session.Capable<ITrainableFamily>(familyName, what);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The request's symbols dealt out to <paramref name="parts"/> requests (every part-th symbol, so each gets a like
    /// mix), sharing its history and the machine's cores; the request itself then lets the history go, so the parts hold
    /// the only references. (Each part gets its share of the cores, not all of them: more training threads than cores made
    /// the whole run slower; docs/performance.md, "The ML family", has the command and the figures.)
    /// </summary>
    private static TrainingRequest[] Split(TrainingRequest request, int parts)
    {
        if (parts == 1)
        {
            return [request];
        }

        var threads = Math.Max(1, Environment.ProcessorCount / parts);
        var split = Enumerable.Range(0, parts)
            .Select(p => request with { Symbols = request.Symbols.Where((_, i) => i % parts == p).ToArray(), Threads = threads })
            .ToArray();
        request.ReleaseHistory();
        return split;
    }

    /// <summary>Each part on its own instance, all at once; one failing stops the others. The summaries merged, by symbol.</summary>
    private static async Task<TrainingSummary> TrainPartsAsync(IReadOnlyList<ITrainableFamily> trainers, TrainingRequest[] parts, Callback progress,
        CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var summaries = await Task.WhenAll(parts.Select(async (part, i) =>
        {
            try
            {
                return await trainers[i].TrainAsync(part, progress.Of(i), failed.Token).ConfigureAwait(false);
            }
            catch
            {
                await failed.CancelAsync().ConfigureAwait(false);
                throw;
            }
        })).ConfigureAwait(false);
        return new TrainingSummary(summaries[0].OutputDirectory,
            summaries.SelectMany(s => s.Trained).OrderBy(t => t.Symbol, StringComparer.Ordinal).ToArray(),
            summaries.SelectMany(s => s.Skipped).OrderBy(s => s.Symbol, StringComparer.Ordinal).ToArray());
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

    /// <summary>
    /// Reports on the training thread at once (under a lock), so the bar is current when training returns; with several
    /// parts, the symbols done in all of them against the whole count.
    /// </summary>
    private sealed class Callback(int total, int parts, Action<TrainingProgress> report)
    {
        private readonly Lock _lock = new();
        private readonly int[] _done = new int[parts];

        public IProgress<TrainingProgress> Of(int part) => new Part(this, part);

        private void Report(int part, TrainingProgress value)
        {
            lock (_lock)
            {
                _done[part] = value.Done;
                report(value with { Done = _done.Sum(), Total = total });
            }
        }

        private sealed class Part(Callback owner, int part) : IProgress<TrainingProgress>
        {
            public void Report(TrainingProgress value) => owner.Report(part, value);
        }
    }
}
