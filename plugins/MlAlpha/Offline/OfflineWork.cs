using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;
using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Plugins.MlAlpha.Training;
using AlphaHost.Plugins.MlAlpha.Universe;

namespace AlphaHost.Plugins.MlAlpha.Offline;

/// <summary>
/// What the host's offline commands call: training (per symbol or pooled), the walk-forward audit and the drift
/// calibration, the contract's features over a history, and the symbols a model of some symbols is computed from.
/// </summary>
internal sealed class OfflineWork(FamilyContext context, FeatureContract contract, ModelOperations models)
{
    public Task<TrainingSummary> TrainAsync(TrainingRequest request, MlAlphaOptions options, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var store = request.OutputDirectory is { } output ? new ModelStore(output, ModelOperations.Tag(contract), context.Clock) : models.Store;
        var training = request.Threads is > 0 and var threads ? options.Training with { Parallelism = threads } : options.Training;
        return training.Scope == TrainingOptions.UniverseScope
            ? new UniverseTrainer(contract, training, store, context.Clock).TrainAsync(request, progress, cancellationToken)
            : new ModelTrainer(contract, training, store, context.Clock).TrainAsync(request, progress, cancellationToken);
    }

    public Task<EvaluationReport> EvaluateAsync(EvaluationRequest request, MlAlphaOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (request.Scopes is [var only] && DriftCalibration.CalibrationYears(only) is { } calibrationYears)
        {
            // drift:FIRST-LAST: the drift checks' calibration (alphahost drift-calibrate), replayed through the live checks.
            return Task.Run(() => new DriftCalibration(contract, options.Training with { Scope = TrainingOptions.UniverseScope }, options.Drift).Run(request, calibrationYears, progress, cancellationToken), cancellationToken);
        }

        var unknown = request.Scopes.FirstOrDefault(s => s is not TrainingOptions.SymbolScope and not TrainingOptions.UniverseScope);
        return unknown is not null
            ? throw new ArgumentException($"unknown scope '{unknown}'; expected {TrainingOptions.SymbolScope} or {TrainingOptions.UniverseScope}", nameof(request))
            : Task.Run(() => new WalkForward(contract, options.Training, options.Smoothing, context.Clock).Run(request, progress, cancellationToken), cancellationToken);
    }

    public ContractDescription DescribeContract(string? name)
    {
        var described = name is null || name == contract.Name ? contract : FeatureContract.LoadNamed(Path.Combine(context.PluginDirectory, "contracts"), name);
        return new ContractDescription(described.Name, described.Version, described.Dtype, described.Hash, described.MinHistoryBars,
            described.Features.Select(f => new ContractFeature(f.Name, f.Window, f.Definition)).ToArray());
    }

    public IReadOnlyDictionary<string, FeatureTable> Compute(MarketHistory history, IReadOnlyList<string> symbols)
    {
        var wanted = symbols.ToHashSet(StringComparer.Ordinal);
        var inputs = Inputs(history.Symbols.Select(s => s.Info).ToArray(), symbols).ToHashSet(StringComparer.Ordinal);
        var matrices = new FeaturePipeline(contract).ComputeBatch(history.Symbols.Where(s => inputs.Contains(s.Symbol)).ToArray(), history.Benchmark, wanted);
        var tables = new Dictionary<string, FeatureTable>(StringComparer.Ordinal);
        foreach (var symbol in history.Symbols.Where(s => wanted.Contains(s.Symbol)))
        {
            var matrix = matrices[symbol.Symbol];
            var notes = new List<string>();
            if (history.Benchmark is null)
            {
                notes.Add("missing benchmark: beta_60 cannot be computed");
            }

            if (string.IsNullOrWhiteSpace(symbol.Info.Sector) || symbol.Info.Sector == "Unknown")
            {
                notes.Add("missing sector: cross_rank_sector cannot be computed");
            }

            var rows = Enumerable.Range(0, matrix.Rows).Select(r => matrix.Row(r).ToArray()).ToArray();
            tables[symbol.Symbol] = new FeatureTable(symbol.Symbol, contract.Names, matrix.Dates, rows, contract.MinHistoryBars - 1, notes);
        }

        return tables;
    }

    /// <summary>The wanted symbols and, when the contract ranks within sectors, every symbol of their sectors.</summary>
    public IReadOnlyCollection<string> Inputs(IReadOnlyList<SymbolInfo> universe, IReadOnlyList<string> symbols)
    {
        var wanted = symbols.ToHashSet(StringComparer.Ordinal);
        if (!contract.Names.Contains(SectorRank.FeatureName))
        {
            return wanted;
        }

        var sectors = universe.Where(u => wanted.Contains(u.Symbol) && FeaturePipeline.HasSector(u)).Select(u => u.Sector).ToHashSet(StringComparer.Ordinal);
        wanted.UnionWith(universe.Where(u => FeaturePipeline.HasSector(u) && sectors.Contains(u.Sector)).Select(u => u.Symbol));
        return wanted;
    }

    /// <summary>
    /// What a model of these symbols is trained from: their features (so their sectors' symbols, as <see cref="Inputs"/>)
    /// and their own closes (labels); a pooled model's labels rank only the symbols it is trained on.
    /// </summary>
    public IReadOnlyCollection<string> TrainingInputs(IReadOnlyList<SymbolInfo> universe, IReadOnlyList<string> symbols) => Inputs(universe, symbols);
}
