using AlphaHost.Plugins.MlAlpha.Contracts;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// Loads every symbol's latest model from the models folder and keeps the set current: a scan reloads only the models
/// whose files changed, logs each refusal once, and swaps the new set in whole, saying what changed (<see cref="ModelSet.Changes"/>).
/// </summary>
internal sealed class ModelCatalog(ModelStore store, FeatureContract contract, ILogger logger)
{
    private readonly Dictionary<string, string> _reportedRefusals = new(StringComparer.Ordinal);

    public ModelStore Store { get; } = store;

    /// <summary>The models in force; null until the first scan finished.</summary>
    public ModelSet? Current { get; private set; }

    /// <summary>Model folders refused since start (each refusal counted once per change of its files).</summary>
    public long Refusals { get; private set; }

    public ModelSet Scan(bool allowLegacy, double legacyScale)
    {
        var previous = Current?.BySymbol ?? new Dictionary<string, ServingModel>();
        var models = new Dictionary<string, ServingModel>(StringComparer.Ordinal);
        var refused = new Dictionary<string, ModelLoadException>(StringComparer.Ordinal);
        foreach (var (symbol, latest) in Store.LatestEntries())
        {
            try
            {
                var folder = Store.ResolveLatest(symbol, latest);
                var stamp = ModelLoader.Stamp(folder);
                if (previous.TryGetValue(symbol, out var loaded) && loaded.Stamp == stamp && (loaded.IsLegacy == false || allowLegacy))
                {
                    models[symbol] = loaded;
                    continue;
                }

                var model = ModelLoader.Load(symbol, folder, contract, allowLegacy, legacyScale) with { Latest = latest };
                models[symbol] = model;
                _reportedRefusals.Remove(symbol);
                if (model.IsLegacy)
                {
                    logger.LogWarning("Model {Symbol}: {Folder} has no {MetaFile} or no meta_sha256 in it; served in deprecated legacy mode, its metadata unchecked. Retrain it.",
                        symbol, Path.GetFileName(folder), ModelStore.MetaFile);
                }
                else if (!model.Features.SequenceEqual(contract.Names))
                {
                    logger.LogError("Model {Symbol}: {Folder} declares {Declared} features that differ from contract {Contract} ({Expected}); every prediction for it will fail the feature check",
                        symbol, Path.GetFileName(folder), model.Features.Count, contract.Name, contract.Names.Count);
                }
            }
            catch (Exception ex) when (ex is ModelLoadException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                var error = ex as ModelLoadException ?? new ModelLoadException(latest, ModelLoadException.Unreadable, ex.Message);
                refused[symbol] = error;
                if (_reportedRefusals.GetValueOrDefault(symbol) != error.Message)
                {
                    _reportedRefusals[symbol] = error.Message;
                    Refusals++;
                    logger.LogError("Model {Symbol} refused ({Code}): {Problem}; the symbol gets no ML signal", symbol, error.Code, error.Message);
                }
            }
        }

        var changes = models.Where(m => !previous.TryGetValue(m.Key, out var old) || !ReferenceEquals(old, m.Value))
            .Select(m => new ModelChange(m.Key, previous.GetValueOrDefault(m.Key), m.Value))
            .Concat(previous.Where(p => !models.ContainsKey(p.Key)).Select(p => new ModelChange(p.Key, p.Value, null)))
            .OrderBy(c => c.Symbol, StringComparer.Ordinal)
            .ToArray();
        var set = new ModelSet(models, refused) { Changes = changes };
        Current = set;
        return set;
    }
}
