using Microsoft.Extensions.Logging;

namespace AlphaHost.Abstractions;

/// <summary>What the host hands a family at initialization.</summary>
/// <param name="Name">The family's exported name.</param>
/// <param name="Settings">The family's configuration section as it is at start.</param>
/// <param name="Logger">A logger whose events carry the family name as <c>component</c>.</param>
/// <param name="Clock">The host's clock; families never read the system clock directly.</param>
/// <param name="PluginDirectory">The folder the family's assembly was loaded from (its shipped files).</param>
/// <param name="StateDirectory">A folder under <c>runtime/state/</c> that belongs to this family and survives restarts.</param>
public sealed record FamilyContext(
    string Name,
    FamilySettings Settings,
    ILogger Logger,
    TimeProvider Clock,
    string PluginDirectory,
    string StateDirectory);
