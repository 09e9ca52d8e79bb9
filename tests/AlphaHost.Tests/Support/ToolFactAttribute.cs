namespace AlphaHost.Tests.Support;

/// <summary>
/// A fact that needs an outside program (promtool, prometheus, chromium): skipped, naming the Debian package that
/// <c>.ci/run</c> installs, when the program is not on the PATH.
/// </summary>
internal sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(string tool, string package)
    {
        if (Tools.Find(tool) is null)
        {
            Skip = $"{tool} is not installed: apt-get install {package} (.ci/run installs it)";
        }
    }
}

internal static class Tools
{
    /// <summary>The full path of <paramref name="tool"/> on the PATH, or null.</summary>
    public static string? Find(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool)).FirstOrDefault(File.Exists);
}
