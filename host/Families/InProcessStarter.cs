using AlphaHost.Host.Configuration;
using AlphaHost.Host.Workers;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Families;

/// <summary>
/// The offline commands' starter: every family in the command's own process (an in-process endpoint), its log events
/// through the command's logger factory, within <c>host.init_timeout</c>.
/// </summary>
internal sealed class InProcessStarter(ILoggerFactory loggerFactory, TimeProvider clock) : IFamilyStarter
{
    public async Task<IFamilyEndpoint> StartAsync(FamilySlot slot, FamilyStartRequest request, AlphaHostConfig config, CancellationToken cancellationToken) =>
        await InProcessEndpoint.StartAsync(request, config.Plugins, loggerFactory, clock, config.Host.InitTimeout, cancellationToken).ConfigureAwait(false);
}
