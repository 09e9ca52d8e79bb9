using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;
using AlphaHost.Host.Combining;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Plugins;

namespace AlphaHost.Host.Cli;

/// <summary>
/// <c>alphahost backtest --families all|a,b --start DATE --end DATE</c>: replays what the daemon trades (the configured
/// families with their weights and modes, combined by the daemon's combiner) and writes the combined signal's report,
/// whose acceptance gate decides the exit code, each family's own report under <c>families/&lt;name&gt;/</c>, and each
/// family's marginal contribution.
/// </summary>
internal static class FamiliesBacktest
{
    /// <summary>Where each family's report goes, inside the report folder.</summary>
    public const string FamiliesFolder = "families";

    public static async Task<int> RunAsync(BacktestRequest request, string selection, CancellationToken cancellationToken)
    {
        var (window, options) = (request.Window, request.Options);
        var givenModelDir = request.ModelDir is { } text ? BacktestCommand.ExistingModelDir(text) : null;
        var config = CommonOptions.LoadConfigOrThrow(request.ConfigPath);
        var state = Directory.CreateTempSubdirectory("alphahost-backtest-state").FullName;
        try
        {
            await using var session = await OfflineSession.OpenAsync(config, cancellationToken, stateRoot: state).ConfigureAwait(false);
            var families = Select(selection, session.Families, config);
            var history = BacktestCommand.LoadHistory(config, request);
            var models = await PrepareModelsAsync(session, config, families, givenModelDir, request).ConfigureAwait(false);
            Console.WriteLine($"backtest {string.Join(", ", families.Select(f => Describe(f, config, models)))} {window} on {history.Source}");
            var weights = CombinerWeights(config, request.CombinerState);
            var engine = new BacktestEngine(families.Select(f => ReplayFamily.From(f, session.Clock)).ToArray(), config, options, weights: weights);
            var replay = await BacktestCommand.ReplayAsync(engine, history, window, cancellationToken).ConfigureAwait(false);
            if (request.CombinerState is { } statePath && config.Combiner.Mode == CombinerMode.Learned)
            {
                CombinerStateFile.Save(statePath, weights.State);
            }

            if (replay.Families.FirstOrDefault(f => f.Run.Processed.Count == 0) is { } silent)
            {
                throw new UsageException($"family {silent.Name} gave no signal in {window} on {history.Source}"
                    + (silent.Run.Exceptions.Count > 0 ? $"; it threw {silent.Run.Exceptions.Count} time(s), first {silent.Run.Exceptions[0]}" : " (the window may start before the family has the history it needs)"));
            }

            var live = families.Where(f => !config.Family(f.Name).Shadow).ToArray();
            var generatedAt = session.Clock.GetUtcNow();
            var combined = Report(replay.Combined, "combined", live, models, history, request, generatedAt, checks: null);
            var reports = families.Select((family, f) =>
            {
                var section = config.Family(family.Name);
                var alone = Report(replay.Families[f].Run, family.Name, [family], models, history, request, generatedAt, models.GetValueOrDefault(family.Name)?.Checks);
                var entry = new FamilyEntry(family.Name, section.Weight, section.Shadow ? "shadow" : "live", family.IsEnabled(config), $"{FamiliesFolder}/{family.Name}", alone);
                var without = Report(replay.Families[f].Without, $"combined without {family.Name}", live.Where(l => l != family).ToArray(), models, history, request, generatedAt, checks: null);
                return (entry, without);
            }).ToArray();
            var report = FamiliesReport.From(combined, reports, config.SourcePath) with
            {
                Combiner = CombinerOptions.Text(config.Combiner.Mode),
                Configured = replay.Configured is { } configured ? Report(configured, "combined, configured weights", live, models, history, request, generatedAt, checks: null) : null,
                LearnedWeights = replay.Learned,
            };

            var folder = request.Folder;
            BacktestCommand.WriteFolder(folder, combined, replay.Combined, JsonSerializer.SerializeToUtf8Bytes(report, CommonOptions.JsonOutput), report.ToMarkdown());
            for (var f = 0; f < families.Count; f++)
            {
                var alone = reports[f].entry.Report;
                BacktestCommand.WriteFolder(Path.Combine(folder, FamiliesFolder, families[f].Name), alone, replay.Families[f].Run, json: null, alone.ToMarkdown());
            }

            BacktestCommand.PrintVerdict(combined, folder);
            return report.Verdict == "PASS" ? ExitCodes.Success : ExitCodes.CheckFailed;
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    /// <summary>The combiner's weights: from <paramref name="statePath"/> when given (a missing or corrupt file says so and starts fresh).</summary>
    private static LearnedWeights CombinerWeights(AlphaHostConfig config, string? statePath)
    {
        if (statePath is null || config.Combiner.Mode == CombinerMode.Static)
        {
            return new LearnedWeights(CombinerState.Empty);
        }

        var (state, problem) = CombinerStateFile.Load(statePath);
        Console.WriteLine(problem ?? $"combiner state from {statePath}: {state.Families.Count} families, last close {state.LastDate:yyyy-MM-dd}");
        return new LearnedWeights(state);
    }

    /// <summary>
    /// <c>all</c>: every installed family the config enables (a shadow one included, as the daemon computes it); else the
    /// named families, each installed and with a section in the config (its weight), enabled or not.
    /// </summary>
    internal static List<FamilyHandle> Select(string selection, IReadOnlyList<FamilyHandle> installed, AlphaHostConfig config)
    {
        var names = installed.Count == 0 ? "none" : string.Join(", ", installed.Select(f => f.Name));
        if (selection.Trim() == "all")
        {
            var enabled = installed.Where(f => f.IsEnabled(config)).ToList();
            return enabled.Count > 0 ? enabled : throw new UsageException($"{config.SourcePath}: no installed family is enabled (installed: {names})");
        }

        var asked = selection.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (asked.Length == 0 || asked.Distinct(StringComparer.Ordinal).Count() != asked.Length)
        {
            throw new UsageException($"--families '{selection}': give 'all' or distinct family names separated by commas (installed: {names})");
        }

        return asked.Select(name =>
        {
            var handle = installed.FirstOrDefault(f => f.Name == name)
                ?? throw new UsageException($"--families: unknown family '{name}' (installed: {names})");
            return config.Families.ContainsKey(name) ? handle
                : throw new UsageException($"{config.SourcePath}: family '{name}' has no section families.{name}, so it has no weight in the combined signal");
        }).ToList();
    }

    /// <summary>
    /// Each model family's models: <c>--model-dir</c> for the one model family selected, else its configured folder;
    /// validated, refused on overlap with the window, loaded. A model family with nothing to serve is bad input.
    /// </summary>
    private static async Task<Dictionary<string, FamilyModels>> PrepareModelsAsync(OfflineSession session, AlphaHostConfig config, IReadOnlyList<FamilyHandle> families,
        string? givenModelDir, BacktestRequest request)
    {
        var modelFamilies = families.Where(f => f.Family is IModelCatalog).ToList();
        if (givenModelDir is not null && modelFamilies.Count != 1)
        {
            throw new UsageException(modelFamilies.Count == 0
                ? $"--model-dir: none of the families ({string.Join(", ", families.Select(f => f.Name))}) serves models"
                : $"--model-dir: several model families ({string.Join(", ", modelFamilies.Select(f => f.Name))}); set each one's models_dir in {config.SourcePath} instead");
        }

        var result = new Dictionary<string, FamilyModels>(StringComparer.Ordinal);
        foreach (var family in modelFamilies)
        {
            var catalog = (IModelCatalog)family.Family;
            var modelDir = givenModelDir ?? Path.GetFullPath(catalog.ModelsDirectory);
            if (!Directory.Exists(modelDir))
            {
                var where = config.Family(family.Name).Lines.TryGetValue("models_dir", out var line) ? $"{config.SourcePath}:{line}" : config.SourcePath;
                throw new UsageException($"{where}: families.{family.Name}.models_dir: models folder {modelDir} not found (or pass --model-dir)");
            }

            var (checks, overlap, loaded) = await BacktestCommand.PrepareModelsAsync(session, config, family.Name, catalog, modelDir, request).ConfigureAwait(false);
            if (loaded == 0)
            {
                throw new UsageException($"family {family.Name}: no model to serve in {modelDir} ({checks.Count} model folder(s), {checks.Count(c => c.IsOk)} valid)");
            }

            result[family.Name] = new FamilyModels(modelDir, checks, overlap, loaded);
        }

        return result;
    }

    /// <summary>The report of one traded series; it answers for the model families in it (their folders, overlaps).</summary>
    private static BacktestReport Report(BacktestRun run, string name, IReadOnlyList<FamilyHandle> members, Dictionary<string, FamilyModels> models,
        MarketHistory history, BacktestRequest request, DateTimeOffset generatedAt, IReadOnlyList<ModelCheck>? checks)
    {
        var own = members.Select(m => models.GetValueOrDefault(m.Name)).OfType<FamilyModels>().ToArray();
        var modelDir = own.Length == 0 ? "none" : string.Join(", ", own.Select(m => m.Folder));
        var skipped = checks is not null ? BacktestCommand.Skipped(history, run, checks)
            : history.Symbols.Where(s => !run.Processed.Contains(s.Symbol)).Select(s => new SkippedSymbol(s.Symbol, "no signal in the window")).ToList();
        return BacktestReport.From(run, request.Options, name, modelDir, history, request.Window, skipped, own.SelectMany(m => m.Overlap).ToArray(), generatedAt);
    }

    private static string Describe(FamilyHandle family, AlphaHostConfig config, Dictionary<string, FamilyModels> models)
    {
        var section = config.Family(family.Name);
        var mode = section.Shadow ? ", shadow" : "";
        var model = models.TryGetValue(family.Name, out var m) ? $", {m.Loaded} model(s) from {m.Folder}" : "";
        return $"{family.Name} (weight {section.Weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}{mode}{model})";
    }

    /// <summary>A model family's models folder as replayed, its checks, the models whose training overlaps the window, and how many serve.</summary>
    private sealed record FamilyModels(string Folder, IReadOnlyList<ModelCheck> Checks, string[] Overlap, int Loaded);
}
