namespace AlphaHost.Host.Combining;

/// <summary>
/// What the learned combiner knows after a close, and all it needs to go on after a restart: each live family's net
/// daily returns (its own signals traded alone), its positions waiting for the next close, the closes they were taken
/// at, and the weights in force since their last update.
/// </summary>
/// <param name="LastDate">The last close observed; a close on or before it is not counted again.</param>
/// <param name="UpdatedOn">The close the weights were last computed at; null before the first update.</param>
/// <param name="DaysSinceUpdate">Closes observed since then.</param>
/// <param name="Weights">The weights in force (live families), as last computed.</param>
/// <param name="Closes">The last close of every symbol that had a bar on <paramref name="LastDate"/>.</param>
/// <param name="Families">Each tracked family's record.</param>
internal sealed record CombinerState(
    DateOnly? LastDate,
    DateOnly? UpdatedOn,
    int DaysSinceUpdate,
    IReadOnlyDictionary<string, double> Weights,
    IReadOnlyDictionary<string, double> Closes,
    IReadOnlyDictionary<string, FamilyTrack> Families)
{
    /// <summary>The layout version written in the file; another one is read as corrupt and learning starts again.</summary>
    public const int Layout = 1;

    public static CombinerState Empty { get; } = new(null, null, 0, new Dictionary<string, double>(), new Dictionary<string, double>(), new Dictionary<string, FamilyTrack>());
}

/// <summary>One family's own book: its net daily returns (oldest first), and the positions and turnover of its last close.</summary>
internal sealed record FamilyTrack(IReadOnlyList<double> Returns, IReadOnlyDictionary<string, double> Positions, double Turnover);
