namespace AlphaHost.Host.Plugins;

/// <summary>Where a family came from.</summary>
/// <param name="Folder">The plugin folder.</param>
/// <param name="AssemblyPath">The plugin's main assembly.</param>
/// <param name="AssemblyName">Its name.</param>
/// <param name="Version">Its informational version.</param>
/// <param name="LoadContext">The name of the isolated load context it lives in.</param>
/// <param name="Sha256">SHA-256 of the main assembly file, as loaded.</param>
internal sealed record PluginInfo(string Folder, string AssemblyPath, string AssemblyName, string Version, string LoadContext, string Sha256);
