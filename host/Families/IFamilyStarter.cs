using AlphaHost.Host.Configuration;
using AlphaHost.Host.Workers;

namespace AlphaHost.Host.Families;

/// <summary>
/// How the lifecycle brings a family up: the daemon's <see cref="DaemonFamilyStarter"/> (a worker process, or in process,
/// as <c>isolation</c> says) or an offline command's in-process starter. The lifecycle decides when; this decides where.
/// </summary>
internal interface IFamilyStarter
{
    /// <summary>Starts the family of <paramref name="slot"/> from <paramref name="request"/>; throws <see cref="FamilyStartException"/> with the reason.</summary>
    Task<IFamilyEndpoint> StartAsync(FamilySlot slot, FamilyStartRequest request, AlphaHostConfig config, CancellationToken cancellationToken);
}

/// <summary>The daemon's starter: each family in its own worker process, or in the host's process where <c>isolation: in_process</c>.</summary>
internal sealed class DaemonFamilyStarter(Serilog.ILogger serilog, TimeProvider clock) : IFamilyStarter
{
    public Task<IFamilyEndpoint> StartAsync(FamilySlot slot, FamilyStartRequest request, AlphaHostConfig config, CancellationToken cancellationToken)
    {
        var budget = config.Host.InitTimeout;
        return slot.IsolationIn(config) == FamilyIsolation.Process
            ? Task.Run(async () => (IFamilyEndpoint)await ProcessFamilyEndpoint.StartAsync(request, budget, serilog, slot.Log!, clock, cancellationToken).ConfigureAwait(false))
            : Task.Run(async () => (IFamilyEndpoint)await InProcessEndpoint.StartAsync(request, config.Plugins, new Logging.PluginLoggerFactory(slot.Log!), clock, budget,
                cancellationToken).ConfigureAwait(false));
    }
}
