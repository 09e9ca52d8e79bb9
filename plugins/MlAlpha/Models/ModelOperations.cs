using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// The family's models folder: which models serve (loaded in the background, refreshed every <c>model_refresh</c> and
/// after every recorded switch, published to <c>serving.json</c>), and the operator's model commands (validate,
/// promote, rollback, history, prune, compare). A change of <c>models_dir</c> starts a catalog of the new folder.
/// </summary>
internal sealed class ModelOperations
{
    private readonly FamilyContext _context;
    private readonly FeatureContract _contract;
    private readonly ServingSet _serving;
    private ModelCatalog _catalog;
    private Task? _scan;
    private DateTimeOffset _lastScan = DateTimeOffset.MinValue;
    private (long, DateTime, DateTime) _switchesSeen;

    public ModelOperations(FamilyContext context, FeatureContract contract, MlAlphaOptions options)
    {
        _context = context;
        _contract = contract;
        _catalog = new ModelCatalog(StoreOf(options), contract, context.Logger);
        _serving = new ServingSet(ServingFile, context.Clock, context.Logger);
    }

    /// <summary>The models folder served.</summary>
    public ModelStore Store => _catalog.Store;

    /// <summary>The models in force; null until the first scan finished.</summary>
    public ModelSet? Current => _catalog.Current;

    /// <summary>Model folders refused since start.</summary>
    public long Refusals => _catalog.Refusals;

    /// <summary>Takes changed settings: a new <c>models_dir</c> is scanned at the next cycle.</summary>
    public void Reconfigure(MlAlphaOptions previous, MlAlphaOptions options)
    {
        if (options.ModelsDir != previous.ModelsDir)
        {
            _catalog = new ModelCatalog(StoreOf(options), _contract, _context.Logger);
            _lastScan = DateTimeOffset.MinValue;
        }
    }

    /// <summary>Loads the models now, on the caller's thread (offline replays, tests); the daemon loads them in the background.</summary>
    public ModelSet LoadNow(MlAlphaOptions options)
    {
        _lastScan = _context.Clock.GetUtcNow();
        return _catalog.Scan(options.AllowLegacyModels, options.LegacySignalScale);
    }

    /// <summary>Starts a background scan when <c>model_refresh</c> has passed or a switch was recorded since the last one.</summary>
    public void ScanWhenDue(MlAlphaOptions options)
    {
        var now = _context.Clock.GetUtcNow();
        // A recorded switch (promote, rollback, train) is served from the next cycle, not only after model_refresh.
        var switches = _catalog.Store.Journal.Stamp();
        if (_scan is { IsCompleted: false } || (now - _lastScan < options.ModelRefresh && switches == _switchesSeen))
        {
            return;
        }

        _lastScan = now;
        _switchesSeen = switches;
        var catalog = _catalog;
        var (allowLegacy, legacyScale) = (options.AllowLegacyModels, options.LegacySignalScale);
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

    /// <summary>Waits (a few seconds at most) for a background scan in progress.</summary>
    public async Task WaitForScanAsync()
    {
        if (_scan is { } scan)
        {
            await scan.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public IReadOnlyList<ModelCheck> Validate(string? directory) =>
        ModelValidator.ValidateAll(directory is null ? _catalog.Store : new ModelStore(directory, Tag(_contract), _context.Clock), _contract);

    public ModelSwitch Promote(string target, string folder, SwitchOrigin origin) => Registry().Promote(target, folder, origin);

    /// <summary>The content hash the live instance would serve after promoting <paramref name="folder"/> for <paramref name="target"/> (the backtest gate looks its record up by it).</summary>
    public string? ContentIfPromoted(string target, string folder) => Registry().ContentIfPromoted(target, folder);

    public ModelSwitch Rollback(string target, SwitchOrigin origin) => Registry().Rollback(target, origin);

    public IReadOnlyList<ModelSwitch> History(string? target) => Registry().History(target);

    public PruneOutcome Prune(int keep, bool dryRun) => Registry().Prune(keep, dryRun);

    public FeatureComparison Compare(string modelDirectory) => ModelValidator.Compare(modelDirectory, _contract);

    /// <summary>The version tag in model folder names: <c>v</c> and the contract's major version.</summary>
    public static string Tag(FeatureContract contract) => $"v{contract.Version.Split('.')[0]}";

    private string ServingFile => Path.Combine(_context.StateDirectory, ServingSet.FileName);

    private ModelStore StoreOf(MlAlphaOptions options) => new(options.ModelsDir, Tag(_contract), _context.Clock);

    private ModelRegistry Registry() => new(_catalog.Store, _contract, ServingFile);
}
