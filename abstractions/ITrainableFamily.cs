namespace AlphaHost.Abstractions;

/// <summary>
/// A capability a family may implement besides <see cref="IAlphaFamily"/>: it trains models from market history.
/// <c>alphahost train</c> asks the plugin catalog for the families that implement it, so the host never names one.
/// </summary>
public interface ITrainableFamily
{
    /// <summary>
    /// Trains one model per requested symbol and stores them where the family serves them from. A symbol that cannot
    /// be trained is reported in <see cref="TrainingSummary.Skipped"/> with its reason; the others still train.
    /// </summary>
    /// <param name="request">The history to learn from and the symbols to train.</param>
    /// <param name="progress">Receives one report per finished symbol; may be null.</param>
    /// <param name="cancellationToken">Stops training; models already written stay, none is left half-written.</param>
    Task<TrainingSummary> TrainAsync(TrainingRequest request, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// The symbols whose bars training <paramref name="symbols"/> needs (the benchmark is always given): <c>train
    /// --symbols</c> reads only these. The default is the whole universe.
    /// </summary>
    /// <param name="universe">Every symbol the data holds, with its sector.</param>
    /// <param name="symbols">The symbols to train.</param>
    IReadOnlyCollection<string> TrainingInputs(IReadOnlyList<SymbolInfo> universe, IReadOnlyList<string> symbols) => universe.Select(u => u.Symbol).ToArray();

    /// <summary>
    /// Whether each symbol's model is trained from that symbol's inputs alone (no model spans symbols, and a symbol's
    /// model does not depend on which other symbols are trained with it). <c>train</c> then splits the symbols between
    /// several instances of the family, each in a load context of its own, trained at once: a library that serializes
    /// training within its own code (ML.NET's LightGBM trainer holds one lock per loaded copy) then uses more cores.
    /// Default false.
    /// </summary>
    bool TrainsEachSymbolAlone => false;
}

/// <summary>Market history handed to an offline operation (training, audit, backtest).</summary>
/// <param name="Symbols">Every symbol's validated bars, oldest first; the whole universe, so that cross-sectional features can be computed.</param>
/// <param name="Benchmark">The market benchmark (e.g. SPY), or null when the data has none.</param>
/// <param name="Source">A one-line description of where the data came from, for reports.</param>
public sealed record MarketHistory(IReadOnlyList<SymbolHistory> Symbols, SymbolHistory? Benchmark, string Source);

/// <summary>What to train.</summary>
/// <param name="History">The history; training uses only bars within it.</param>
/// <param name="Symbols">The symbols to train, a subset of <see cref="MarketHistory.Symbols"/>.</param>
/// <param name="OutputDirectory">Where models go; null for the family's configured folder.</param>
/// <param name="Origin">Who trains and with which command, recorded with each switch of a <c>_latest</c> entry; null: unrecorded origin.</param>
public sealed record TrainingRequest(MarketHistory History, IReadOnlyList<string> Symbols, string? OutputDirectory = null, SwitchOrigin? Origin = null)
{
    private MarketHistory? _history = History;

    /// <summary>The history; training uses only bars within it. Throws <see cref="InvalidOperationException"/> once released.</summary>
    public MarketHistory History
    {
        get => _history ?? throw new InvalidOperationException("the training history was released (ReleaseHistory) by the family training it");
        init => _history = value;
    }

    /// <summary>Whether <see cref="ReleaseHistory"/> was called.</summary>
    public bool HistoryReleased => _history is null;

    /// <summary>
    /// The threads this request may keep busy, when the host shares the machine between several instances training at
    /// once (<see cref="ITrainableFamily.TrainsEachSymbolAlone"/>); null: the family's own setting.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Lets the bars go once the family has taken what it needs from them (features, labels), so that they can be
    /// collected while a long fit runs: <c>alphahost train</c> keeps no other reference to the history it hands over
    /// (for a large bar folder, a large part of the command's memory). Optional; <see cref="History"/> throws afterwards.
    /// </summary>
    public void ReleaseHistory() => _history = null;
}

/// <summary>One finished symbol.</summary>
/// <param name="Done">Symbols finished so far, trained or skipped.</param>
/// <param name="Total">Symbols requested.</param>
/// <param name="Symbol">The symbol just finished.</param>
/// <param name="Trained">Whether it was trained (false: skipped).</param>
public readonly record struct TrainingProgress(int Done, int Total, string Symbol, bool Trained);

/// <summary>The outcome of a training run.</summary>
/// <param name="OutputDirectory">The folder the models were written to.</param>
/// <param name="Trained">The models written.</param>
/// <param name="Skipped">The symbols not trained, each with the reason.</param>
public sealed record TrainingSummary(string OutputDirectory, IReadOnlyList<TrainedModel> Trained, IReadOnlyList<SkippedSymbol> Skipped);

/// <summary>A model that was written.</summary>
/// <param name="Symbol">Its symbol.</param>
/// <param name="Location">Its folder.</param>
/// <param name="Metrics">Validation metrics by name (e.g. <c>ic</c>, <c>rmse</c>).</param>
public sealed record TrainedModel(string Symbol, string Location, IReadOnlyDictionary<string, double> Metrics);

/// <summary>A symbol that was not trained.</summary>
/// <param name="Symbol">The symbol.</param>
/// <param name="Reason">Why, in words an operator can act on.</param>
public sealed record SkippedSymbol(string Symbol, string Reason);
