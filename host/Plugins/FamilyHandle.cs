using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Plugins;

/// <summary>A loaded family instance and the host's bookkeeping about it.</summary>
/// <param name="name">The instance's name (<c>families.&lt;name&gt;</c>; the family's own name for its own instance).</param>
internal sealed class FamilyHandle(string name, AlphaFamilyAttribute export, IAlphaFamily family, PluginInfo plugin, FamilyConfig appliedConfig)
{
    public string Name { get; } = name;

    /// <summary>Whether this is the family's own instance (named like the family), the one a command picks without <c>--family</c>.</summary>
    public bool IsOwnInstance => Name == Export.Name;

    public AlphaFamilyAttribute Export { get; } = export;

    public IAlphaFamily Family { get; } = family;

    public PluginInfo Plugin { get; } = plugin;

    /// <summary>The section last handed to <see cref="IAlphaFamily.Configure"/>.</summary>
    public FamilyConfig AppliedConfig { get; set; } = appliedConfig;

    /// <summary>A computation that overran its budget and has not finished yet: the family is not called again until it has.</summary>
    public Task? Pending { get; set; }

    public int ConsecutiveFailures { get; set; }

    public int QuarantineCount { get; set; }

    public DateTimeOffset? QuarantinedUntil { get; set; }

    /// <summary>Failures the host counted (throws, overruns, bad values), apart from the family's own count.</summary>
    public long HostErrors { get; set; }

    /// <summary>Whether config turns the family on: its section's <c>enabled</c> and its feature flag, if it has one.</summary>
    public bool IsEnabled(AlphaHostConfig config) => config.IsEnabled(Export, Name);

    /// <summary>The family's own health; a plugin whose getter throws is reported degraded.</summary>
    public FamilyHealth ReadHealth()
    {
        try
        {
            return Family.Health ?? new FamilyHealth(FamilyState.Degraded, 0, "health unavailable");
        }
        catch (Exception ex)
        {
            return new FamilyHealth(FamilyState.Degraded, 0, $"health threw {ex.GetType().Name}");
        }
    }
}
