using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;
using AlphaHost.Plugins.MlAlpha.Drift;
using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Plugins.MlAlpha.Governance;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Plugins.MlAlpha.Signals;
using AlphaHost.Plugins.MlAlpha.Training;
using AlphaHost.Plugins.MlAlpha.Universe;
using Microsoft.Extensions.Logging;

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
[AlphaFamily("ml_alpha", FeatureFlag = "ml_enabled", FeatureFlagDefault = false, IsModelFamily = true, InstanceFolders = [MlAlphaOptions.ModelsDirFolder],
    Settings = [MlAlphaOptions.ModelsDirKey, "contract", "allow_legacy_models", "legacy_signal_scale", "model_refresh", "signal.half_life_days", "signal.hold_days",
        "governance.max_failures", "governance.window", "drift.psi_threshold", "drift.window_cycles", "drift.psi_degrades", "drift.tie_excess",
        "drift.unchanged_excess", "drift.stale_rows_excess", "drift.level_ratio", "drift.min_dispersion", "drift.missing_excess", "drift.autocorr_drop", "drift.ic_z", "drift.ic_window", "drift.persist_cycles", "drift.persist_window", "drift.baseline_cycles", "training.scope", "training.cross_sectional_transform",
        "training.horizon_days", "training.validation_fraction", "training.min_train_rows", "training.min_validation_rows", "training.trees", "training.leaves",
        "training.learning_rate", "training.min_rows_per_leaf", "training.seed", "training.threads_per_model", "training.parallelism"])]
internal sealed class MlAlphaFamily : IAlphaFamily, ITrainableFamily, IEvaluableFamily, IModelCatalog, IModelRegistry, IOperatorControls, IFeatureSource
{
    /// <summary>Share of modelled symbols without valid features in a cycle above which the family reports DEGRADED.</summary>
    private const double MaxInvalidShare = 0.1;

    private FamilyContext _context = null!;
    private MlAlphaOptions _options = new();
    private FeatureContract _contract = null!;
    private LiveFeatures _live = null!;
    private GovernanceBreaker _breaker = null!;
    private GovernanceLog _governanceLog = null!;
    private ModelCatalog _catalog = null!;
    private DriftMonitor _drift = null!;
    private ServingDrift _servingDrift = null!;
    private string? _servingDriftReason;
    private ServingSet _serving = null!;
    private Task? _scan;
    private DateTimeOffset _lastScan = DateTimeOffset.MinValue;
    private (long, DateTime, DateTime) _switchesSeen;

    // Reused by every cycle's prediction (the host never runs two cycles of one family at once).
    private readonly List<(ServingModel Model, LiveRow Row)> _ready = [];
    private byte[] _buckets = [];
    private readonly HashSet<ServingModel> _namesMatched = new(ReferenceEqualityComparer.Instance);
    private ModelSet? _namesCheckedFor;
    private double[] _predictions = [];
    private double[] _outputs = [];
    private readonly List<string> _measuredSymbols = [];
    private readonly List<float[]> _measuredRows = [];
    private string?[] _errors = [];
    private readonly List<string> _invalid = [];
    private readonly List<float[]> _invalidRows = [];
    private readonly List<string> _mismatched = [];
    private readonly PooledServing _pooled = new();
    private SignalSmoother _smoother = new(new MlAlphaOptions().Smoothing);

    private FamilyHealth _health = new(FamilyState.Degraded, 0, "not started: no model loaded") { ServingModels = 0 };

    /// <summary>
    /// The family's health as of its last cycle, except that a governance decision written by another process (an
    /// operator's <c>ml reset-governance</c>) shows at once, also while the daemon waits for the next trading day.
    /// </summary>
    public FamilyHealth Health
    {
        get
        {
            if (_breaker?.ReloadIfChanged() is { } previous)
            {
                if (previous.Disabled && !_breaker.IsDisabled)
                {
                    _governanceLog.Reset(_breaker.State.ResetReason ?? "reset", previous.Reason ?? "unknown");
                    _health = new FamilyHealth(FamilyState.Degraded, ErrorCount,
                        $"governance reset at {_breaker.State.ResetAt:O} ({_breaker.State.ResetReason}); predictions resume with the next trading day") { ServingModels = 0 };
                }
                else if (_breaker.IsDisabled)
                {
                    _health = Disabled();
                }
            }

            return _health;
        }

        private set => _health = value;
    }

    public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken)
    {
        _context = context;
        _options = MlAlphaOptions.From(context.Settings);
        _smoother = new SignalSmoother(_options.Smoothing);
        _contract = FeatureContract.LoadNamed(Path.Combine(context.PluginDirectory, "contracts"), _options.Contract);
        _live = new LiveFeatures(_contract);
        _drift = new DriftMonitor(_contract.Names.Count, _options.DriftWindowCycles);
        _servingDrift = new ServingDrift(_contract.Names, _options.Drift);
        _governanceLog = new GovernanceLog(context.Logger, _contract.Name);
        _breaker = new GovernanceBreaker(Path.Combine(context.StateDirectory, "governance.json"), _contract.Name, _contract.Hash, _options.Governance, context.Clock);
        _catalog = new ModelCatalog(Store(_options), _contract, context.Logger);
        _serving = new ServingSet(Path.Combine(context.StateDirectory, ServingSet.FileName), context.Clock, context.Logger);
        if (_breaker.IsDisabled)
        {
            _governanceLog.StillDisabled(_breaker.State);
        }

        Health = _breaker.IsDisabled ? Disabled() : Health;
        return ValueTask.CompletedTask;
    }

    public void Configure(FamilySettings settings)
    {
        var options = MlAlphaOptions.From(settings);
        if (_contract is not null && options.Contract != _contract.Name)
        {
            throw new FamilySettingsException($"{settings.Path}.contract", $"the served contract cannot change in a running daemon ({_contract.Name} -> {options.Contract}); restart to switch");
        }

        if (_catalog is not null && options.ModelsDir != _options.ModelsDir)
        {
            _catalog = new ModelCatalog(Store(options), _contract!, _context.Logger);
            _lastScan = DateTimeOffset.MinValue;
        }

        if (options.Smoothing != _smoother.Options)
        {
            _smoother = new SignalSmoother(options.Smoothing);
        }

        if (_servingDrift is not null && options.Drift != _servingDrift.Options)
        {
            _servingDrift = new ServingDrift(_contract!.Names, options.Drift);
        }

        _options = options;
        if (_breaker is not null)
        {
            _breaker.Options = options.Governance;
        }
    }

    public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken)
    {
        var rows = _live.Update(snapshot);
        if (_breaker.ReloadIfChanged() is { } previous && previous.Disabled && !_breaker.IsDisabled)
        {
            _governanceLog.Reset(_breaker.State.ResetReason ?? "reset", previous.Reason ?? "unknown");
        }

        if (_breaker.IsDisabled)
        {
            Health = Disabled();
            return ValueTask.FromResult(FamilySignals.Empty);
        }

        ScanModelsWhenDue();
        if (_catalog.Current is not { } models)
        {
            Health = new FamilyHealth(FamilyState.Degraded, ErrorCount, $"loading models from {_catalog.Store.Root}") { ServingModels = 0 };
            return ValueTask.FromResult(FamilySignals.Empty);
        }

        var result = Predict(snapshot, rows, models, cancellationToken);
        Health = result.Health;
        return ValueTask.FromResult(result.Signals);
    }

    public Task<TrainingSummary> TrainAsync(TrainingRequest request, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var store = request.OutputDirectory is { } output ? new ModelStore(output, ModelTag(_contract), _context.Clock) : _catalog.Store;
        var training = request.Threads is > 0 and var threads ? _options.Training with { Parallelism = threads } : _options.Training;
        return training.Scope == TrainingOptions.UniverseScope
            ? new UniverseTrainer(_contract, training, store, _context.Clock).TrainAsync(request, progress, cancellationToken)
            : new ModelTrainer(_contract, training, store, _context.Clock).TrainAsync(request, progress, cancellationToken);
    }

    public Task<EvaluationReport> EvaluateAsync(EvaluationRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (request.Scopes is [var only] && DriftCalibration.CalibrationYears(only) is { } calibrationYears)
        {
            // drift:FIRST-LAST: the drift checks' calibration (alphahost drift-calibrate), replayed through the live checks.
            return Task.Run(() => new DriftCalibration(_contract, _options.Training with { Scope = TrainingOptions.UniverseScope }, _options.Drift).Run(request, calibrationYears, progress, cancellationToken), cancellationToken);
        }

        var unknown = request.Scopes.FirstOrDefault(s => s is not TrainingOptions.SymbolScope and not TrainingOptions.UniverseScope);
        return unknown is not null
            ? throw new ArgumentException($"unknown scope '{unknown}'; expected {TrainingOptions.SymbolScope} or {TrainingOptions.UniverseScope}", nameof(request))
            : Task.Run(() => new WalkForward(_contract, _options.Training, _options.Smoothing, _context.Clock).Run(request, progress, cancellationToken), cancellationToken);
    }

    public string ModelsDirectory => _catalog.Store.Root;

    public IReadOnlyList<ModelCheck> Validate(string? directory) =>
        ModelValidator.ValidateAll(directory is null ? _catalog.Store : new ModelStore(directory, ModelTag(_contract), _context.Clock), _contract);

    public int LoadServingModels() => LoadModels().BySymbol.Count;

    public ModelSwitch Promote(string target, string folder, SwitchOrigin origin) => Registry().Promote(target, folder, origin);

    public ModelSwitch Rollback(string target, SwitchOrigin origin) => Registry().Rollback(target, origin);

    public IReadOnlyList<ModelSwitch> History(string? target) => Registry().History(target);

    public PruneOutcome Prune(int keep, bool dryRun) => Registry().Prune(keep, dryRun);

    public FeatureComparison Compare(string modelDirectory) => ModelValidator.Compare(modelDirectory, _contract);

    public ContractDescription DescribeContract(string? name)
    {
        var contract = name is null || name == _contract.Name ? _contract : FeatureContract.LoadNamed(Path.Combine(_context.PluginDirectory, "contracts"), name);
        return new ContractDescription(contract.Name, contract.Version, contract.Dtype, contract.Hash, contract.MinHistoryBars,
            contract.Features.Select(f => new ContractFeature(f.Name, f.Window, f.Definition)).ToArray());
    }

    public GovernanceStatus ReadGovernance()
    {
        _breaker.ReloadIfChanged();
        return Status(_breaker.State);
    }

    public GovernanceStatus ResetGovernance(string reason)
    {
        _breaker.ReloadIfChanged();
        var previous = _breaker.State;
        if (_breaker.Reset(reason))
        {
            _governanceLog.Reset(reason, previous.Reason ?? "unknown");
        }

        return Status(_breaker.State);
    }

    public IReadOnlyDictionary<string, FeatureTable> Compute(MarketHistory history, IReadOnlyList<string> symbols)
    {
        var wanted = symbols.ToHashSet(StringComparer.Ordinal);
        var inputs = Inputs(history.Symbols.Select(s => s.Info).ToArray(), symbols).ToHashSet(StringComparer.Ordinal);
        var matrices = new FeaturePipeline(_contract).ComputeBatch(history.Symbols.Where(s => inputs.Contains(s.Symbol)).ToArray(), history.Benchmark, wanted);
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
            tables[symbol.Symbol] = new FeatureTable(symbol.Symbol, _contract.Names, matrix.Dates, rows, _contract.MinHistoryBars - 1, notes);
        }

        return tables;
    }

    /// <summary>The wanted symbols and, when the contract ranks within sectors, every symbol of their sectors.</summary>
    public IReadOnlyCollection<string> Inputs(IReadOnlyList<SymbolInfo> universe, IReadOnlyList<string> symbols)
    {
        var wanted = symbols.ToHashSet(StringComparer.Ordinal);
        if (!_contract.Names.Contains(SectorRank.FeatureName))
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

    /// <summary>Per-symbol models (<c>training.scope: symbol</c>) are; a pooled model spans the symbols.</summary>
    public bool TrainsEachSymbolAlone => _options.Training.Scope == TrainingOptions.SymbolScope;

    /// <summary>Loads the models now, on the caller's thread (offline replays, tests); the daemon loads them in the background.</summary>
    internal ModelSet LoadModels()
    {
        _lastScan = _context.Clock.GetUtcNow();
        return _catalog.Scan(_options.AllowLegacyModels, _options.LegacySignalScale);
    }

    public async ValueTask DisposeAsync()
    {
        if (_scan is { } scan)
        {
            await scan.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private (FamilySignals Signals, FamilyHealth Health) Predict(MarketSnapshot snapshot, IReadOnlyDictionary<string, LiveRow> rows, ModelSet models, CancellationToken cancellationToken)
    {
        // Check every vector first, so that a cycle with a mismatch counts it before anything is predicted.
        var ready = _ready;
        ready.Clear();
        if (!ReferenceEquals(models, _namesCheckedFor))
        {
            // The contract's names are compared with each model's once per model set, not every cycle.
            _namesMatched.Clear();
            _namesCheckedFor = models;
        }

        _invalid.Clear();
        _invalidRows.Clear();
        _mismatched.Clear();
        var pooled = _pooled.Serves(models, _options.Training.Scope);
        foreach (var history in snapshot.Symbols)
        {
            var model = pooled ? _pooled.View(history.Symbol) : models.BySymbol.GetValueOrDefault(history.Symbol);
            if (model is null)
            {
                continue;
            }

            var row = rows[history.Symbol];
            if (!row.IsValid)
            {
                _invalid.Add(history.Symbol);
                _invalidRows.Add(row.Values);
                continue;
            }

            try
            {
                _breaker.EnsureEnabled();
                model.Check(_contract.Names, row.Values, namesMatched: _namesMatched.Contains(model));
                _namesMatched.Add(model);
                ready.Add((model, row));
            }
            catch (ModelFeatureMismatchException ex)
            {
                _mismatched.Add(history.Symbol);
                if (Fail(GovernanceLog.FeatureMismatch, ex.Expected.Count, ex.Provided.Count, ex.MissingFeatures, () => _governanceLog.Mismatch(ex, _breaker.FailuresInWindow + 1)))
                {
                    return (FamilySignals.Empty, Disabled());
                }
            }
            catch (GovernanceDisabledException)
            {
                return (FamilySignals.Empty, Disabled());
            }
        }

        if (_predictions.Length < ready.Count)
        {
            _predictions = new double[ready.Count * 2];
            _outputs = new double[ready.Count * 2];
            _errors = new string?[ready.Count * 2];
        }

        var width = _contract.Names.Count;
        if (_buckets.Length < ready.Count * width)
        {
            _buckets = new byte[ready.Count * 2 * width];
        }

        // A pooled model predicts from the rows normalised across this cycle's symbols (drift still buckets the raw rows).
        var inputs = pooled ? _pooled.Transform(ready) : null;

        // Predictions and each row's drift buckets are independent per row: both on every core; the drift counts stay serial.
        var predictions = _predictions;
        var outputs = _outputs;
        var errors = _errors;
        var buckets = _buckets;
        Array.Clear(errors);
        Parallel.For(0, ready.Count, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = ready.Count > 64 ? Environment.ProcessorCount : 1 }, i =>
        {
            try
            {
                var (model, row) = ready[i];
                var output = model.Model.Predict(inputs is null ? row.Values : inputs[i]);
                predictions[i] = model.Signal.Apply(output);
                outputs[i] = output / model.Signal.Scale;
                if (model.Drift is { } reference)
                {
                    DriftMonitor.Bucket(reference, row.Values, buckets.AsSpan(i * width, width));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                errors[i] = $"{ex.GetType().Name}: {ex.Message}";
            }
        });

        var signals = new Dictionary<string, double>(ready.Count, StringComparer.Ordinal);
        _measuredSymbols.Clear();
        _measuredRows.Clear();
        for (var i = 0; i < ready.Count; i++)
        {
            var (model, row) = ready[i];
            var problem = errors[i] ?? (double.IsFinite(predictions[i]) ? null : $"prediction is {predictions[i]}");
            if (problem is not null)
            {
                if (Fail(GovernanceLog.ModelError, model.Features.Count, row.Values.Length, [], () => _governanceLog.Failure(model.Symbol, problem, _breaker.FailuresInWindow + 1)))
                {
                    return (FamilySignals.Empty, Disabled());
                }

                continue;
            }

            signals[model.Symbol] = _smoother.Apply(model.Symbol, snapshot.Date, predictions[i]);
            outputs[_measuredRows.Count] = outputs[i];
            _measuredSymbols.Add(model.Symbol);
            _measuredRows.Add(row.Values);
            _drift.Add(model.Drift, _buckets.AsSpan(i * width, width));
        }

        _drift.EndCycle();
        _servingDriftReason = _servingDrift.Observe(_measuredSymbols, _measuredRows, outputs.AsSpan(0, _measuredRows.Count), _invalidRows, snapshot, pooled ? _pooled.Model!.Meta : null);
        return (new FamilySignals(signals), Assess(models, ready.Count, signals.Count));
    }

    /// <summary>Logs and counts one model failure; true when it disabled the family.</summary>
    private bool Fail(string reason, int expected, int got, IReadOnlyList<string> missing, Action log)
    {
        log();
        if (!_breaker.RecordFailure(reason))
        {
            return false;
        }

        _governanceLog.Disabled(reason, expected, got, missing, _breaker.Options.MaxFailures, _breaker.Options.Window);
        return true;
    }

    /// <summary>The family's health after a cycle; when DEGRADED, the detail names every problem and the symbols it concerns.</summary>
    private FamilyHealth Assess(ModelSet models, int checkedCount, int predicted)
    {
        var problems = new List<string>();
        if (models.BySymbol.Count == 0)
        {
            problems.Add($"no model serves: none loaded from {_catalog.Store.Root}");
        }

        if (_options.Training.Scope == TrainingOptions.UniverseScope && _pooled.Model is null)
        {
            problems.Add($"scope universe: no pooled model ({UniverseTrainer.ModelName}_{ModelTag(_contract)}_latest) in {_catalog.Store.Root}; per-symbol models serve");
        }

        if (models.Refused.Count > 0)
        {
            problems.Add($"{models.Refused.Count} model(s) refused ({Symbols(models.Refused.Keys)})");
        }

        if (models.Legacy > 0)
        {
            problems.Add($"{models.Legacy} legacy model(s) without metadata or its hash ({Symbols(models.BySymbol.Values.Where(m => m.IsLegacy).Select(m => m.Symbol))})");
        }

        if (_mismatched.Count > 0)
        {
            problems.Add($"{_mismatched.Count} feature mismatch(es) ({Symbols(_mismatched)})");
        }

        var covered = checkedCount + _invalid.Count + _mismatched.Count;
        if (covered > 0 && _invalid.Count > MaxInvalidShare * covered)
        {
            problems.Add($"{_invalid.Count} of {covered} modelled symbols without valid features ({Symbols(_invalid)})");
        }

        // Raw-feature PSI is exported always; it sets DEGRADED only for per-symbol models (drift.psi_degrades): a pooled
        // model sees each feature ranked across the day's symbols, never its raw level, whose trends PSI measures.
        var psi = _drift.Psi();
        var featureDrift = psi?.Select((value, f) => new KeyValuePair<string, double>(_contract.Names[f], value)).ToArray();
        if (psi is not null && psi.Max() > _options.DriftPsiThreshold && _pooled.Model is null && _options.Drift.PsiDegrades)
        {
            var worst = psi.Select((value, f) => (Name: _contract.Names[f], Value: value)).Where(p => p.Value > _options.DriftPsiThreshold).OrderByDescending(p => p.Value).Take(3);
            problems.Add($"drift: {string.Join(",", worst.Select(p => FormattableString.Invariant($"{p.Name} psi={p.Value:0.00}")))}");
        }

        if (_servingDriftReason is not null)
        {
            problems.Add(_servingDriftReason);
        }

        var summary = $"models={models.BySymbol.Count} predicted={predicted}{_servingDrift.Figures()}";
        return problems.Count == 0
            ? new FamilyHealth(FamilyState.Ok, ErrorCount, summary) { ServingModels = models.BySymbol.Count, ModelVersion = Version(models), ModelContent = Content(models), FeatureDrift = featureDrift }
            : new FamilyHealth(FamilyState.Degraded, ErrorCount, $"{summary}; {string.Join("; ", problems)}")
            {
                ServingModels = models.BySymbol.Count,
                ModelVersion = Version(models),
                ModelContent = Content(models),
                FeatureDrift = featureDrift,
            };
    }

    /// <summary>The first few symbols of a list, for a detail line that stays short.</summary>
    private static string Symbols(IEnumerable<string> symbols)
    {
        var list = symbols.Take(6).ToList();
        return list.Count > 5 ? string.Join(",", list.Take(5)) + ",..." : string.Join(",", list);
    }

    private void ScanModelsWhenDue()
    {
        var now = _context.Clock.GetUtcNow();
        // A recorded switch (promote, rollback, train) is served from the next cycle, not only after model_refresh.
        var switches = _catalog.Store.Journal.Stamp();
        if (_scan is { IsCompleted: false } || (now - _lastScan < _options.ModelRefresh && switches == _switchesSeen))
        {
            return;
        }

        _lastScan = now;
        _switchesSeen = switches;
        var catalog = _catalog;
        var (allowLegacy, legacyScale) = (_options.AllowLegacyModels, _options.LegacySignalScale);
        var first = catalog.Current is null;
        var serving = _serving;
        _scan = Task.Run(() =>
        {
            try
            {
                var set = catalog.Scan(allowLegacy, legacyScale);
                serving.Publish(set, catalog.Store.Root);
                if (first)
                {
                    _context.Logger.LogInformation("ML models loaded from {ModelsDir}: {Loaded} serving, {Refused} refused, {Legacy} legacy",
                        catalog.Store.Root, set.BySymbol.Count, set.Refused.Count, set.Legacy);
                }
            }
            catch (Exception ex)
            {
                _context.Logger.LogError(ex, "ML models could not be scanned in {ModelsDir}", catalog.Store.Root);
            }
        });
    }

    private static GovernanceStatus Status(GovernanceState state) =>
        new(state.Model, state.Disabled, state.Reason, state.DisabledAt, state.ModelErrors, state.ResetAt, state.ResetReason);

    private FamilyHealth Disabled() =>
        new(FamilyState.DisabledGovernance, ErrorCount, $"disabled by governance since {_breaker.State.DisabledAt:O}: {_breaker.State.Reason}; reset required") { ServingModels = 0 };

    private long ErrorCount => _breaker.State.ModelErrors + (_catalog?.Refusals ?? 0);

    private static string? Version(ModelSet models) => models.BySymbol.Count == 0 ? null : models.Version;

    private static string? Content(ModelSet models) => models.BySymbol.Count == 0 ? null : models.Content;

    private ModelStore Store(MlAlphaOptions options) => new(options.ModelsDir, ModelTag(_contract), _context.Clock);

    private ModelRegistry Registry() => new(_catalog.Store, _contract, Path.Combine(_context.StateDirectory, ServingSet.FileName));

    /// <summary>The version tag in model folder names: <c>v</c> and the contract's major version.</summary>
    private static string ModelTag(FeatureContract contract) => $"v{contract.Version.Split('.')[0]}";
}
