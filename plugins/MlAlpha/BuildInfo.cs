using System.Reflection;

namespace AlphaHost.Plugins.MlAlpha;

/// <summary>The commit this plugin was built from and whether its tree had uncommitted changes, stamped at build time.</summary>
internal static class BuildInfo
{
    public static string GitCommit { get; } = Metadata("GitCommit") ?? "unknown";

    /// <summary><c>true</c>, <c>false</c>, or <c>unknown</c> when the build had no git.</summary>
    public static string GitDirty { get; } = Metadata("GitDirty") ?? "unknown";

    public static string MlNetVersion { get; } =
        typeof(Microsoft.ML.MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    private static string? Metadata(string key) => typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == key)?.Value is { Length: > 0 } value ? value : null;
}
