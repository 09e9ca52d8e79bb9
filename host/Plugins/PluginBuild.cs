using AlphaHost.Abstractions;

namespace AlphaHost.Host.Plugins;

/// <summary>A plugin folder's build and the families it exports, read from its metadata.</summary>
internal sealed record PluginBuild(PluginInfo Info, IReadOnlyList<AlphaFamilyAttribute> Exports);
