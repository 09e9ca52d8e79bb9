using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Governance;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Plugins.MlAlpha.Serving;
using AlphaHost.Plugins.MlAlpha.Training;

namespace AlphaHost.Plugins.MlAlpha;

/// <summary>
/// The ML alpha: one LightGBM model per symbol on the contract's 28 features. Ships disabled
/// (<c>features.ml_enabled: false</c>); while disabled it is never called and loads no model. Once called it loads every
/// symbol's latest model in the background, then each cycle updates the live features (O(1) per symbol), checks every
/// feature vector against its model's declared features, predicts, and maps each prediction to a signal with the
/// model's recorded rule. Any mismatch raises <see cref="ModelFeatureMismatchException"/>, is logged in the
/// governance shape and counted by the <see cref="GovernanceBreaker"/>, which disables the family after repeated
/// failures until an operator resets it; a disabled family returns neutral signals.
/// </summary>
/// <remarks>
/// A facade: each call goes to the part of the <see cref="MlRuntime"/> that owns it (<see cref="LiveCycle"/>,
/// <see cref="ModelOperations"/>, <see cref="Offline.OfflineWork"/>, <see cref="GovernanceWatch"/>).
/// </remarks>
[AlphaFamily("ml_alpha", FeatureFlag = "ml_enabled", FeatureFlagDefault = false, IsModelFamily = true, InstanceFolders = [MlAlphaOptions.ModelsDirFolder],
    Settings = [MlAlphaOptions.ModelsDirKey, "contract", "allow_legacy_models", "legacy_signal_scale", "model_refresh", "signal.half_life_days", "signal.hold_days",
        "governance.max_failures", "governance.window", "drift.psi_threshold", "drift.window_cycles", "drift.psi_degrades", "drift.tie_excess",
        "drift.unchanged_excess", "drift.stale_rows_excess", "drift.level_ratio", "drift.min_dispersion", "drift.missing_excess", "drift.autocorr_drop", "drift.ic_z", "drift.ic_window", "drift.persist_cycles", "drift.persist_window", "drift.baseline_cycles", "training.scope", "training.cross_sectional_transform",
        "training.horizon_days", "training.validation_fraction", "training.min_train_rows", "training.min_validation_rows", "training.trees", "training.leaves",
        "training.learning_rate", "training.min_rows_per_leaf", "training.seed", "training.threads_per_model", "training.parallelism"])]
internal sealed class MlAlphaFamily : IAlphaFamily, ITrainableFamily, IEvaluableFamily, IModelCatalog, IModelRegistry, IOperatorControls, IFeatureSource
{
    private readonly TaskScheduler _background;
    private MlAlphaOptions _options = new();
    private MlRuntime? _runtime;

    public MlAlphaFamily()
        : this(TaskScheduler.Default)
    {
    }

    /// <param name="background">Where the first cycle's one-time work runs (<see cref="FeatureWarmUp"/>); tests hold it.</param>
    internal MlAlphaFamily(TaskScheduler background)
    {
        _background = background;
    }

    /// <summary>
    /// The family's health as of its last cycle, except that a governance decision written by another process (an
    /// operator's <c>ml reset-governance</c>) shows at once, also while the daemon waits for the next trading day.
    /// </summary>
    public FamilyHealth Health
    {
        get
        {
            if (_runtime is not { } runtime)
            {
                return HealthBoard.NotStarted;
            }

            runtime.Governance.TakeInOutsideDecision();
            return runtime.Health.Current;
        }
    }

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken)
    {
        var options = MlAlphaOptions.From(context.Settings);
        var runtime = MlRuntime.Create(context, options, _background);
        runtime.Governance.Start();
        (_options, _runtime) = (options, runtime);
        return ValueTask.CompletedTask;
    }

    public void Configure(FamilySettings settings)
    {
        var options = MlAlphaOptions.From(settings);
        _runtime?.Reconfigure(settings, _options, options);
        _options = options;
    }

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Runtime.Cycle.Compute(snapshot, _options, cancellationToken));

    public Task<TrainingSummary> TrainAsync(TrainingRequest request, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken) =>
        Runtime.Offline.TrainAsync(request, _options, progress, cancellationToken);

    public Task<EvaluationReport> EvaluateAsync(EvaluationRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
        Runtime.Offline.EvaluateAsync(request, _options, progress, cancellationToken);

    public string ModelsDirectory => Runtime.Models.Store.Root;

    public IReadOnlyList<ModelCheck> Validate(string? directory) => Runtime.Models.Validate(directory);

    public int LoadServingModels() => LoadModels().BySymbol.Count;

    public ModelSwitch Promote(string target, string folder, SwitchOrigin origin) => Runtime.Models.Promote(target, folder, origin);

    public string? ContentIfPromoted(string target, string folder) => Runtime.Models.ContentIfPromoted(target, folder);

    public ModelSwitch Rollback(string target, SwitchOrigin origin) => Runtime.Models.Rollback(target, origin);

    public IReadOnlyList<ModelSwitch> History(string? target) => Runtime.Models.History(target);

    public PruneOutcome Prune(int keep, bool dryRun) => Runtime.Models.Prune(keep, dryRun);

    public FeatureComparison Compare(string modelDirectory) => Runtime.Models.Compare(modelDirectory);

    public ContractDescription DescribeContract(string? name) => Runtime.Offline.DescribeContract(name);

    public GovernanceStatus ReadGovernance() => Runtime.Governance.Read();

    public GovernanceStatus ResetGovernance(string reason) => Runtime.Governance.Reset(reason);

    public IReadOnlyDictionary<string, FeatureTable> Compute(MarketHistory history, IReadOnlyList<string> symbols) => Runtime.Offline.Compute(history, symbols);

    /// <summary>The wanted symbols and, when the contract ranks within sectors, every symbol of their sectors.</summary>
    public IReadOnlyCollection<string> Inputs(IReadOnlyList<SymbolInfo> universe, IReadOnlyList<string> symbols) => Runtime.Offline.Inputs(universe, symbols);

    /// <summary>
    /// What a model of these symbols is trained from: their features (so their sectors' symbols, as <see cref="Inputs"/>)
    /// and their own closes (labels); a pooled model's labels rank only the symbols it is trained on.
    /// </summary>
    public IReadOnlyCollection<string> TrainingInputs(IReadOnlyList<SymbolInfo> universe, IReadOnlyList<string> symbols) => Runtime.Offline.TrainingInputs(universe, symbols);

    /// <summary>Per-symbol models (<c>training.scope: symbol</c>) are; a pooled model spans the symbols.</summary>
    public bool TrainsEachSymbolAlone => _options.Training.Scope == TrainingOptions.SymbolScope;

    /// <summary>Loads the models now, on the caller's thread (offline replays, tests); the daemon loads them in the background.</summary>
    internal ModelSet LoadModels() => Runtime.Models.LoadNow(_options);

    public async ValueTask DisposeAsync()
    {
        if (_runtime is { } runtime)
        {
            await runtime.Models.WaitForScanAsync().ConfigureAwait(false);
            await runtime.Cycle.WaitForWarmUpAsync().ConfigureAwait(false);
        }
    }

    private MlRuntime Runtime => _runtime ?? throw new InvalidOperationException("ml_alpha is used before InitializeAsync");
}
