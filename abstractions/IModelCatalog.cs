namespace AlphaHost.Abstractions;

/// <summary>
/// A capability of a model family: its models and feature contract can be inspected offline. <c>alphahost models
/// validate</c>, <c>contract show</c> and <c>contract diff</c> use it without naming the family.
/// </summary>
public interface IModelCatalog
{
    /// <summary>The folder the family serves models from (its configured models directory).</summary>
    string ModelsDirectory { get; }

    /// <summary>Checks every model folder under <paramref name="directory"/> (default: <see cref="ModelsDirectory"/>).</summary>
    /// <param name="directory">The models folder, or null for the family's own.</param>
    IReadOnlyList<ModelCheck> Validate(string? directory);

    /// <summary>Compares the features a model declares with the contract it would be served on.</summary>
    /// <param name="modelDirectory">One model folder (or a <c>_latest</c> link to one).</param>
    FeatureComparison Compare(string modelDirectory);

    /// <summary>Loads the models it would serve, now and on the caller's thread (offline replays do this before the first day).</summary>
    /// <returns>How many models are ready to serve.</returns>
    int LoadServingModels();

    /// <summary>The feature contract the family serves, or the one named.</summary>
    /// <param name="name">A contract name, or null for the served one.</param>
    ContractDescription DescribeContract(string? name);
}

/// <summary>The verdict on one model folder.</summary>
/// <param name="Folder">The folder's name.</param>
/// <param name="Status"><c>OK</c> or what is wrong: <c>MISSING META</c>, <c>BAD META</c>, <c>BAD N_FEATURES</c>,
/// <c>FEATURE LIST != CONTRACT</c>, <c>HASH MISMATCH</c>, <c>CONTRACT HASH MISMATCH</c>, <c>UNREADABLE</c>, <c>BROKEN LINK</c>,
/// <c>LINK OUTSIDE MODELS</c>, <c>BAD ARCHIVE</c>, <c>META HASH MISMATCH</c>, <c>LEGACY META</c>.</param>
/// <param name="Detail">A one-line explanation.</param>
/// <param name="TrainingPeriod">First and last date of the data the model learned from, when known.</param>
public sealed record ModelCheck(string Folder, string Status, string Detail, DatePeriod? TrainingPeriod)
{
    /// <summary>The status of a model that passed every check.</summary>
    public const string Ok = "OK";

    /// <summary>Whether the model passed every check.</summary>
    public bool IsOk => Status == Ok;
}

/// <summary>A closed range of dates.</summary>
/// <param name="Start">First date.</param>
/// <param name="End">Last date.</param>
public sealed record DatePeriod(DateOnly Start, DateOnly End)
{
    /// <summary>Whether the two periods share a date.</summary>
    /// <param name="other">The other period.</param>
    public bool Overlaps(DatePeriod other) => Start <= other.End && other.Start <= End;

    /// <inheritdoc />
    public override string ToString() => $"{Start:yyyy-MM-dd}..{End:yyyy-MM-dd}";
}

/// <summary>A model's declared features beside the contract's.</summary>
/// <param name="Contract">The contract's name and version.</param>
/// <param name="Expected">The contract's features, in order.</param>
/// <param name="Declared">The model's features, in order.</param>
/// <param name="Missing">Contract features the model lacks.</param>
/// <param name="Extra">Model features the contract lacks.</param>
/// <param name="Moved">Features both have, at another position.</param>
/// <param name="HashMatches">Whether the model was trained on the contract's exact definitions (same contract hash).</param>
public sealed record FeatureComparison(string Contract, IReadOnlyList<string> Expected, IReadOnlyList<string> Declared,
    IReadOnlyList<string> Missing, IReadOnlyList<string> Extra, IReadOnlyList<string> Moved, bool HashMatches)
{
    /// <summary>Same features, same order, same definitions.</summary>
    public bool Match => Missing.Count == 0 && Extra.Count == 0 && Moved.Count == 0 && HashMatches;
}

/// <summary>A feature contract as an operator reads it.</summary>
/// <param name="Name">Its name, e.g. <c>ml_v1</c>.</param>
/// <param name="Version">Its version.</param>
/// <param name="Dtype">The features' type.</param>
/// <param name="Hash">SHA-256 of the dtype and the ordered names and definitions.</param>
/// <param name="MinHistoryBars">Bars a symbol needs before its first valid row.</param>
/// <param name="Features">The features in order.</param>
public sealed record ContractDescription(string Name, string Version, string Dtype, string Hash, int MinHistoryBars, IReadOnlyList<ContractFeature> Features);

/// <summary>One feature of a contract.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Window">Bars it looks back over.</param>
/// <param name="Definition">Its exact definition.</param>
public sealed record ContractFeature(string Name, int Window, string Definition);
