using AlphaHost.Abstractions;

namespace AlphaHost.Host.Plugins;

/// <summary>A plugin folder as <c>plugins list</c> sees it.</summary>
internal sealed record PluginInspection(string Folder, PluginInfo? Info, IReadOnlyList<AlphaFamilyAttribute> Exports, string? Error);
