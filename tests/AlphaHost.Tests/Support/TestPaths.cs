namespace AlphaHost.Tests.Support;

/// <summary>Where the built host, the fixture plugins and the shared data are.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The build configuration the tests were built with (Debug or Release).</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string HostDll => Path.Combine(RepoRoot, "host", "bin", Configuration, "net10.0", "alphahost.dll");

    public static string ShippedPlugins => Path.Combine(RepoRoot, "host", "bin", Configuration, "net10.0", "plugins");

    public static string FixturePlugins => Path.Combine(AppContext.BaseDirectory, "testplugins");

    public static string TestSource => Path.Combine(RepoRoot, "tests", "AlphaHost.Tests");

    public static string GoldenConfig => Path.Combine(RepoRoot, "configs", "golden_config.yaml");

    /// <summary>The real bar folder beside the project, or null when it is absent.</summary>
    public static string? SharedData
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));
            return File.Exists(Path.Combine(path, "benchmark_SPY.csv")) ? path : null;
        }
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AlphaHost.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("AlphaHost.sln not found above the test output");
    }
}
