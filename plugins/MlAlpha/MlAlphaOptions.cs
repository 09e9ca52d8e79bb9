using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Drift;
using AlphaHost.Plugins.MlAlpha.Governance;
using AlphaHost.Plugins.MlAlpha.Signals;
using AlphaHost.Plugins.MlAlpha.Training;

namespace AlphaHost.Plugins.MlAlpha;

/// <summary>The family's settings, <c>families.ml_alpha.*</c> of the golden config. Defaults are declared here only.</summary>
internal sealed record MlAlphaOptions
{
    /// <summary>The models folder setting, as the host's check of two instances sharing one folder reads it.</summary>
    public const string ModelsDirFolder = ModelsDirKey + "=" + ModelsDirDefault;

    internal const string ModelsDirKey = "models_dir";
    private const string ModelsDirDefault = "models/ml_alpha";

    /// <summary>The feature contract the family serves and trains on.</summary>
    /// <value>The default value is <c>ml_v1</c>.</value>
    public string Contract { get; init; } = "ml_v1";

    /// <summary>Where models live, as a full path: a relative setting is taken from the config file's folder.</summary>
    /// <value>The default value is <c>models/ml_alpha</c> (beside the config file).</value>
    public string ModelsDir { get; init; } = ModelsDirDefault;

    /// <summary>Whether a model folder without <c>model_meta.json</c> may serve (deprecated; the family then stays DEGRADED).</summary>
    /// <value>The default value is false.</value>
    public bool AllowLegacyModels { get; init; }

    /// <summary>The signal scale of a legacy model, which has no recorded prediction spread.</summary>
    /// <value>The default value is 0.01.</value>
    public double LegacySignalScale { get; init; } = 0.01;

    /// <summary>How often the models folder is checked for retrained or changed models.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan ModelRefresh { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The governance breaker.</summary>
    public GovernanceOptions Governance { get; init; } = GovernanceOptions.Default;

    /// <summary>
    /// PSI of a raw feature (live against training) above which the family reports drift: informational (exported,
    /// named in the detail) for a pooled model, DEGRADED for per-symbol models while <c>drift.psi_degrades</c>.
    /// </summary>
    /// <value>The default value is 0.25.</value>
    public double DriftPsiThreshold { get; init; } = 0.25;

    /// <summary>Cycles of live rows the drift check pools (about a year of trading days).</summary>
    /// <value>The default value is 250.</value>
    public int DriftWindowCycles { get; init; } = 250;

    /// <summary>The serving-drift checks (<c>drift.*</c> other than the PSI keys).</summary>
    public DriftOptions Drift { get; init; } = DriftOptions.Default;

    /// <summary>Turnover control: signal smoothing and the holding rule (<c>signal.half_life_days</c>, <c>signal.hold_days</c>).</summary>
    /// <value>The default value is no smoothing, held for <c>training.horizon_days</c>.</value>
    public SmoothingOptions Smoothing { get; init; } = new(0, new TrainingOptions().HorizonDays);

    /// <summary>Training parameters.</summary>
    public TrainingOptions Training { get; init; } = new();

    public static MlAlphaOptions From(FamilySettings settings)
    {
        var d = new MlAlphaOptions();
        var t = d.Training;
        var horizon = settings.GetInt("training.horizon_days", t.HorizonDays, min: 1, max: 250);
        return new MlAlphaOptions
        {
            Smoothing = new SmoothingOptions(
                settings.GetDouble("signal.half_life_days", d.Smoothing.HalfLifeDays, min: 0, max: 250),
                settings.GetInt("signal.hold_days", horizon, min: 1, max: 250)),
            Contract = settings.GetString("contract", d.Contract),
            ModelsDir = settings.GetPath(ModelsDirKey, d.ModelsDir),
            AllowLegacyModels = settings.GetBool("allow_legacy_models", d.AllowLegacyModels),
            LegacySignalScale = settings.GetDouble("legacy_signal_scale", d.LegacySignalScale, min: 1e-6, max: 10),
            ModelRefresh = settings.GetDuration("model_refresh", d.ModelRefresh, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24)),
            Governance = new GovernanceOptions(
                settings.GetInt("governance.max_failures", d.Governance.MaxFailures, min: 1, max: 1_000_000),
                settings.GetDuration("governance.window", d.Governance.Window, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7))),
            DriftPsiThreshold = settings.GetDouble("drift.psi_threshold", d.DriftPsiThreshold, min: 0.0, max: 100.0),
            DriftWindowCycles = settings.GetInt("drift.window_cycles", d.DriftWindowCycles, min: 1, max: 10_000),
            Drift = Checked(settings, new DriftOptions(
                settings.GetDouble("drift.tie_excess", d.Drift.TieExcess, min: 0.0, max: 1.0),
                settings.GetDouble("drift.unchanged_excess", d.Drift.UnchangedExcess, min: 0.0, max: 1.0),
                settings.GetDouble("drift.stale_rows_excess", d.Drift.StaleRowsExcess, min: 0.0, max: 1.0),
                settings.GetDouble("drift.level_ratio", d.Drift.LevelRatio, min: 1.0, max: 1e6),
                settings.GetDouble("drift.min_dispersion", d.Drift.MinDispersion, min: 0.0, max: 10.0),
                settings.GetInt("drift.persist_cycles", d.Drift.Persist, min: 1, max: 32),
                settings.GetInt("drift.persist_window", d.Drift.Of, min: 1, max: 32),
                settings.GetInt("drift.baseline_cycles", d.Drift.BaselineCycles, min: 2, max: 1000),
                settings.GetBool("drift.psi_degrades", d.Drift.PsiDegrades),
                settings.GetDouble("drift.missing_excess", d.Drift.MissingExcess, min: 0.0, max: 1.0),
                settings.GetDouble("drift.autocorr_drop", d.Drift.AutocorrDrop, min: 0.0, max: 2.0),
                settings.GetDouble("drift.ic_z", d.Drift.IcZ, min: 0.0, max: 100.0),
                settings.GetInt("drift.ic_window", d.Drift.IcWindow, min: 2, max: 10_000))),
            Training = new TrainingOptions
            {
                Scope = OneOf(settings, "training.scope", t.Scope, [TrainingOptions.SymbolScope, TrainingOptions.UniverseScope]),
                CrossSectionalTransform = OneOf(settings, "training.cross_sectional_transform", t.CrossSectionalTransform, Universe.CrossSectionalTransform.Names),
                HorizonDays = horizon,
                ValidationFraction = settings.GetDouble("training.validation_fraction", t.ValidationFraction, min: 0.05, max: 0.5),
                MinTrainRows = settings.GetInt("training.min_train_rows", t.MinTrainRows, min: 50, max: 1_000_000),
                MinValidationRows = settings.GetInt("training.min_validation_rows", t.MinValidationRows, min: 10, max: 1_000_000),
                Trees = settings.GetInt("training.trees", t.Trees, min: 1, max: 10_000),
                Leaves = settings.GetInt("training.leaves", t.Leaves, min: 2, max: 1024),
                LearningRate = settings.GetDouble("training.learning_rate", t.LearningRate, min: 1e-4, max: 1.0),
                MinRowsPerLeaf = settings.GetInt("training.min_rows_per_leaf", t.MinRowsPerLeaf, min: 1, max: 100_000),
                Seed = settings.GetInt("training.seed", t.Seed),
                ThreadsPerModel = settings.GetInt("training.threads_per_model", t.ThreadsPerModel, min: 1, max: 64),
                Parallelism = settings.GetInt("training.parallelism", t.Parallelism, min: 1, max: 64),
            },
        };
    }

    /// <summary>The drift options, refused when the persistence asks for more failing cycles than its window holds.</summary>
    private static DriftOptions Checked(FamilySettings settings, DriftOptions drift) => drift.Persist <= drift.Of
        ? drift
        : throw new FamilySettingsException($"{settings.Path}.drift.persist_cycles", $"{drift.Persist} is more than drift.persist_window ({drift.Of}): the check could never fail");

    private static string OneOf(FamilySettings settings, string key, string fallback, IReadOnlyList<string> allowed)
    {
        var value = settings.GetString(key, fallback);
        return allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw new FamilySettingsException($"{settings.Path}.{key}", $"'{value}' is not one of {string.Join(", ", allowed)}");
    }
}
