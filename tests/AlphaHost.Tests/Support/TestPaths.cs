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

    /// <summary>The environment variable that points the real-data tests at a bar folder.</summary>
    public const string DataVariable = "ALPHAHOST_DATA";

    /// <summary>
    /// The real bar folder: <c>ALPHAHOST_DATA</c> when set (then it must be a bar folder, or every real-data test fails
    /// saying so), else <c>../shared/data</c> beside the clone, else null (the real-data tests are skipped).
    /// </summary>
    public static string? SharedData
    {
        get
        {
            if (Environment.GetEnvironmentVariable(DataVariable) is { Length: > 0 } given)
            {
                var path = Path.GetFullPath(given);
                return IsBarFolder(path) ? path
                    : throw new InvalidOperationException($"{DataVariable}={given} is not a bar folder (no {Path.Combine(path, "benchmark_SPY.csv")})");
            }

            var beside = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));
            return IsBarFolder(beside) ? beside : null;
        }
    }

    /// <summary>Whether the real-data tests run: <c>ALPHAHOST_DATA</c> is set (a wrong one fails them), or <c>../shared/data</c> is there.</summary>
    public static bool HasSharedData => Environment.GetEnvironmentVariable(DataVariable) is { Length: > 0 } || SharedData is not null;

    private static bool IsBarFolder(string path) => File.Exists(Path.Combine(path, "benchmark_SPY.csv"));

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
