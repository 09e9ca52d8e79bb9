using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;
using AlphaHost.Plugins.MlAlpha.Governance;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Plugins.MlAlpha.Offline;
using AlphaHost.Plugins.MlAlpha.Serving;

namespace AlphaHost.Plugins.MlAlpha;

/// <summary>
/// Everything the family works with, built once <see cref="MlAlphaFamily.InitializeAsync"/> has read its contract and
/// settings, and never replaced: the served contract, governance, the models folder, the live cycle, the offline entry
/// points and the health they maintain. A settings change reaches the parts that hold settings through
/// <see cref="Reconfigure"/>; the contract cannot change in a running daemon.
/// </summary>
internal sealed class MlRuntime
{
    private MlRuntime(FeatureContract contract, GovernanceWatch governance, ModelOperations models, LiveCycle cycle, OfflineWork offline, HealthBoard health)
    {
        Contract = contract;
        Governance = governance;
        Models = models;
        Cycle = cycle;
        Offline = offline;
        Health = health;
    }

    public FeatureContract Contract { get; }

    public GovernanceWatch Governance { get; }

    public ModelOperations Models { get; }

    public LiveCycle Cycle { get; }

    public OfflineWork Offline { get; }

    public HealthBoard Health { get; }

    /// <summary>Reads the contract and the governance state; loads no model and writes nothing.</summary>
    /// <param name="background">Where the first cycle's one-time work runs (the thread pool, but for tests).</param>
    public static MlRuntime Create(FamilyContext context, MlAlphaOptions options, TaskScheduler background)
    {
        var contract = FeatureContract.LoadNamed(Path.Combine(context.PluginDirectory, "contracts"), options.Contract);
        var breaker = new GovernanceBreaker(Path.Combine(context.StateDirectory, "governance.json"), contract.Name, contract.Hash, options.Governance, context.Clock);
        var models = new ModelOperations(context, contract, options);
        var health = new HealthBoard(breaker, models);
        var governance = new GovernanceWatch(breaker, new GovernanceLog(context.Logger, contract.Name), health);
        var cycle = new LiveCycle(contract, options, governance, models, health, background);
        return new MlRuntime(contract, governance, models, cycle, new OfflineWork(context, contract, models), health);
    }

    /// <summary>Hands changed settings to the parts that hold them.</summary>
    public void Reconfigure(FamilySettings settings, MlAlphaOptions previous, MlAlphaOptions options)
    {
        if (options.Contract != Contract.Name)
        {
            throw new FamilySettingsException($"{settings.Path}.contract", $"the served contract cannot change in a running daemon ({Contract.Name} -> {options.Contract}); restart to switch");
        }

        Models.Reconfigure(previous, options);
        Cycle.Reconfigure(options);
        Governance.Options = options.Governance;
    }
}
