using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Families;

namespace AlphaHost.Host.Plugins;

/// <summary>A family instance an offline command works with: its slot in the lifecycle and the family its in-process endpoint serves.</summary>
internal sealed class FamilyHandle(FamilySlot slot, IAlphaFamily family)
{
    /// <summary>The instance's name (<c>families.&lt;name&gt;</c>; the family's own name for its own instance).</summary>
    public string Name => slot.Name;

    /// <summary>Whether this is the family's own instance (named like the family), the one a command picks without <c>--family</c>.</summary>
    public bool IsOwnInstance => Name == Export.Name;

    public AlphaFamilyAttribute Export => slot.Export;

    public IAlphaFamily Family { get; } = family;

    public PluginInfo Plugin => slot.Plugin;

    /// <summary>The section last handed to the family.</summary>
    public FamilyConfig AppliedConfig => slot.AppliedConfig;

    /// <summary>Whether config turns the family on: its section's <c>enabled</c> and its feature flag, if it has one.</summary>
    public bool IsEnabled(AlphaHostConfig config) => slot.IsEnabled(config);
}
