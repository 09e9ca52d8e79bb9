using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;
using AlphaHost.Plugins.MlAlpha.Drift;
using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Plugins.MlAlpha.Governance;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Plugins.MlAlpha.Signals;
using AlphaHost.Plugins.MlAlpha.Training;
using AlphaHost.Plugins.MlAlpha.Universe;

namespace AlphaHost.Plugins.MlAlpha.Serving;

/// <summary>
/// One live cycle: updates the live features (O(1) per symbol), takes in outside governance decisions, keeps the models
/// loading, checks every feature vector against its model's declared features, predicts, maps each prediction to a
/// signal, watches drift, and leaves the cycle's health on the <see cref="HealthBoard"/>. Not thread-safe: the host
/// never runs two cycles of one family at once.
/// </summary>
internal sealed class LiveCycle
{
    /// <summary>Share of modelled symbols without valid features in a cycle above which the family reports DEGRADED.</summary>
    private const double MaxInvalidShare = 0.1;

    private readonly FeatureContract _contract;
    private readonly GovernanceWatch _governance;
    private readonly ModelOperations _models;
    private readonly HealthBoard _health;
    private readonly LiveFeatures _live;
    private readonly FeatureWarmUp _warmUp;
    private readonly DriftMonitor _drift;
    private ServingDrift _servingDrift;
    private string? _servingDriftReason;
    private SignalSmoother _smoother;

    // Reused by every cycle's prediction.
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

    /// <param name="background">Where the features' history build runs (<see cref="FeatureWarmUp"/>).</param>
    public LiveCycle(FeatureContract contract, MlAlphaOptions options, GovernanceWatch governance, ModelOperations models, HealthBoard health, TaskScheduler background)
    {
        _contract = contract;
        _governance = governance;
        _models = models;
        _health = health;
        _smoother = new SignalSmoother(options.Smoothing);
        _live = new LiveFeatures(contract);
        _warmUp = new FeatureWarmUp(_live, background);
        _drift = new DriftMonitor(contract.Names.Count, options.DriftWindowCycles);
        _servingDrift = new ServingDrift(contract.Names, options.Drift);
    }

    /// <summary>Waits (a few seconds at most) for the features' history build in progress.</summary>
    public Task WaitForWarmUpAsync() => _warmUp.WaitAsync();

    /// <summary>Takes changed settings: a new smoothing or drift configuration starts its state afresh.</summary>
    public void Reconfigure(MlAlphaOptions options)
    {
        if (options.Smoothing != _smoother.Options)
        {
            _smoother = new SignalSmoother(options.Smoothing);
        }

        if (options.Drift != _servingDrift.Options)
        {
            _servingDrift = new ServingDrift(_contract.Names, options.Drift);
        }
    }

    public FamilySignals Compute(MarketSnapshot snapshot, MlAlphaOptions options, CancellationToken cancellationToken)
    {
        var rows = _warmUp.IsDone(snapshot, modelsLoaded: _models.Current is not null) ? _live.Update(snapshot) : null;
        _governance.TakeInBeforeCycle();
        if (_governance.IsDisabled)
        {
            _health.Set(_health.Disabled());
            return FamilySignals.Empty;
        }

        _models.ScanWhenDue(options);
        if (rows is null || _models.Current is not { } models)
        {
            _health.Set(new FamilyHealth(FamilyState.Degraded, _health.ErrorCount, $"loading models from {_models.Store.Root}") { ServingModels = 0 });
            return FamilySignals.Empty;
        }

        var result = Predict(snapshot, rows, models, options, cancellationToken);
        _health.Set(result.Health);
        return result.Signals;
    }

    private (FamilySignals Signals, FamilyHealth Health) Predict(MarketSnapshot snapshot, IReadOnlyDictionary<string, LiveRow> rows, ModelSet models, MlAlphaOptions options, CancellationToken cancellationToken)
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
        var pooled = _pooled.Serves(models, options.Training.Scope);
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
                _governance.EnsureEnabled();
                model.Check(_contract.Names, row.Values, namesMatched: _namesMatched.Contains(model));
                _namesMatched.Add(model);
                ready.Add((model, row));
            }
            catch (ModelFeatureMismatchException ex)
            {
                _mismatched.Add(history.Symbol);
                if (_governance.Mismatch(ex))
                {
                    return (FamilySignals.Empty, _health.Disabled());
                }
            }
            catch (GovernanceDisabledException)
            {
                return (FamilySignals.Empty, _health.Disabled());
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
                if (_governance.PredictionFailed(model.Symbol, problem, model.Features.Count, row.Values.Length))
                {
                    return (FamilySignals.Empty, _health.Disabled());
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
        return (new FamilySignals(signals), Assess(models, ready.Count, signals.Count, options));
    }

    /// <summary>The family's health after a cycle; when DEGRADED, the detail names every problem and the symbols it concerns.</summary>
    private FamilyHealth Assess(ModelSet models, int checkedCount, int predicted, MlAlphaOptions options)
    {
        var problems = new List<string>();
        var root = _models.Store.Root;
        if (models.BySymbol.Count == 0)
        {
            problems.Add($"no model serves: none loaded from {root}");
        }

        if (options.Training.Scope == TrainingOptions.UniverseScope && _pooled.Model is null)
        {
            problems.Add($"scope universe: no pooled model ({UniverseTrainer.ModelName}_{ModelOperations.Tag(_contract)}_latest) in {root}; per-symbol models serve");
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
        if (psi is not null && psi.Max() > options.DriftPsiThreshold && _pooled.Model is null && options.Drift.PsiDegrades)
        {
            var worst = psi.Select((value, f) => (Name: _contract.Names[f], Value: value)).Where(p => p.Value > options.DriftPsiThreshold).OrderByDescending(p => p.Value).Take(3);
            problems.Add($"drift: {string.Join(",", worst.Select(p => FormattableString.Invariant($"{p.Name} psi={p.Value:0.00}")))}");
        }

        if (_servingDriftReason is not null)
        {
            problems.Add(_servingDriftReason);
        }

        var summary = $"models={models.BySymbol.Count} predicted={predicted}{_servingDrift.Figures()}";
        return problems.Count == 0
            ? new FamilyHealth(FamilyState.Ok, _health.ErrorCount, summary) { ServingModels = models.BySymbol.Count, ModelVersion = Version(models), ModelContent = Content(models), FeatureDrift = featureDrift }
            : new FamilyHealth(FamilyState.Degraded, _health.ErrorCount, $"{summary}; {string.Join("; ", problems)}")
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

    private static string? Version(ModelSet models) => models.BySymbol.Count == 0 ? null : models.Version;

    private static string? Content(ModelSet models) => models.BySymbol.Count == 0 ? null : models.Content;
}
