namespace AlphaHost.Plugins.MlAlpha.Training;

/// <summary><c>families.ml_alpha.training.*</c>: the label, the split and LightGBM's parameters.</summary>
internal sealed record TrainingOptions
{
    public const string SymbolScope = "symbol";
    public const string UniverseScope = "universe";

    /// <summary>
    /// <c>symbol</c>: one model per symbol on its raw features. <c>universe</c>: one pooled model over every symbol's
    /// rows, features normalised across the symbols of each date, label the rank of the forward return that date.
    /// </summary>
    /// <value>
    /// The default value is <c>universe</c>: out of sample (walk-forward 2010-2018 on the real bars) the pooled model's
    /// rank IC and net Sharpe beat the per-symbol models' in most years (docs/ml-family.md, "Out of sample").
    /// </value>
    public string Scope { get; init; } = UniverseScope;

    /// <summary>The pooled model's cross-sectional transform: <c>rank</c> or <c>robust_z</c>.</summary>
    /// <value>The default value is <c>rank</c>.</value>
    public string CrossSectionalTransform { get; init; } = Universe.CrossSectionalTransform.Rank;

    /// <summary>The label is the forward simple return over this many trading days: close[t+h] / close[t] - 1.</summary>
    /// <value>The default value is 5.</value>
    public int HorizonDays { get; init; } = 5;

    /// <summary>The newest share of a symbol's usable rows held out for validation.</summary>
    /// <value>The default value is 0.2.</value>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Training rows a symbol needs, else it is skipped.</summary>
    /// <value>The default value is 250.</value>
    public int MinTrainRows { get; init; } = 250;

    /// <summary>Validation rows a symbol needs, else it is skipped.</summary>
    /// <value>The default value is 50.</value>
    public int MinValidationRows { get; init; } = 50;

    /// <summary>Boosting iterations.</summary>
    /// <value>The default value is 100.</value>
    public int Trees { get; init; } = 100;

    /// <summary>Leaves per tree.</summary>
    /// <value>The default value is 15.</value>
    public int Leaves { get; init; } = 15;

    /// <summary>Shrinkage.</summary>
    /// <value>The default value is 0.05.</value>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Minimum training rows in a leaf (guards against fitting noise).</summary>
    /// <value>The default value is 50.</value>
    public int MinRowsPerLeaf { get; init; } = 50;

    /// <summary>Random seed of LightGBM and ML.NET: the same data and seed give the same model.</summary>
    /// <value>The default value is 42.</value>
    public int Seed { get; init; } = 42;

    /// <summary>LightGBM threads per per-symbol model (the pooled model uses <see cref="Parallelism"/> threads). Kept at 1: OpenMP spin-waits make more threads slower on a busy machine.</summary>
    /// <value>The default value is 1.</value>
    public int ThreadsPerModel { get; init; } = 1;

    /// <summary>Symbols trained at once.</summary>
    /// <value>The default value is the number of cores.</value>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>The LightGBM parameters a model's metadata records, in their recorded order (part of the metadata's hash).</summary>
    /// <param name="threads">The LightGBM threads the model was fitted with.</param>
    internal Dictionary<string, string> TrainerParameters(int threads) => new()
    {
        ["trees"] = Trees.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["leaves"] = Leaves.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["learning_rate"] = LearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["min_rows_per_leaf"] = MinRowsPerLeaf.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["seed"] = Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["threads"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["validation_fraction"] = ValidationFraction.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
