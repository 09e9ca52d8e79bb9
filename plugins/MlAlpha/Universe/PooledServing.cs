using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Plugins.MlAlpha.Training;

namespace AlphaHost.Plugins.MlAlpha.Universe;

/// <summary>
/// Serves the pooled model in the live cycle (and so in backtests, which replay it): one view of the model per symbol,
/// so that feature checks and governance name the symbol whose vector failed, and the cycle's valid rows normalised
/// across symbols with the transform the model declares, into reused buffers. Not thread-safe: one cycle at a time.
/// </summary>
internal sealed class PooledServing
{
    private readonly Dictionary<string, ServingModel?> _views = new(StringComparer.Ordinal);
    private HashSet<string>? _universe;
    private readonly List<float[]> _raw = [];
    private readonly List<float[]> _normalised = [];
    private ModelSet? _viewsFor;
    private CrossSectionalTransform? _transform;

    /// <summary>The pooled model in force after the last <see cref="Serves"/>; null when per-symbol models serve.</summary>
    public ServingModel? Model { get; private set; }

    /// <summary>
    /// Whether the pooled model serves this set: with scope <c>universe</c>, or when the models folder holds nothing but
    /// a pooled model (a backtest of a pooled model's folder). Otherwise per-symbol models serve (with scope
    /// <c>universe</c> the family then reports DEGRADED).
    /// </summary>
    public bool Serves(ModelSet models, string scope)
    {
        if (!ReferenceEquals(models, _viewsFor))
        {
            _viewsFor = models;
            _views.Clear();
            Model = models.BySymbol.TryGetValue(UniverseTrainer.ModelName, out var model) && model.Meta is { IsPooled: true }
                && (scope == TrainingOptions.UniverseScope || models.BySymbol.Count == 1) ? model : null;
            _transform = Model is null ? null : CrossSectionalTransform.Create(Model.Meta!.CrossSectionalTransform!);
            _universe = Model?.Meta!.Universe?.ToHashSet(StringComparer.Ordinal);
        }

        return Model is not null;
    }

    /// <summary>The cycle's checked rows normalised across symbols, row for row (valid until the next call).</summary>
    public IReadOnlyList<float[]> Transform(List<(ServingModel Model, LiveRow Row)> ready)
    {
        _raw.Clear();
        while (_normalised.Count < ready.Count)
        {
            _normalised.Add(new float[ready.Count == 0 ? 0 : ready[0].Row.Values.Length]);
        }

        foreach (var (_, row) in ready)
        {
            _raw.Add(row.Values);
        }

        _transform!.Apply(_raw, _normalised);
        return _normalised;
    }

    /// <summary>
    /// The pooled model as it serves <paramref name="symbol"/> (checks and governance name the symbol); null for a
    /// symbol outside the universe it was trained on.
    /// </summary>
    public ServingModel? View(string symbol)
    {
        if (!_views.TryGetValue(symbol, out var view))
        {
            _views[symbol] = view = _universe is null || _universe.Contains(symbol) ? Model! with { Symbol = symbol } : null;
        }

        return view;
    }
}
