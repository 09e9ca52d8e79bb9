namespace AlphaHost.Tests.Support;

/// <summary>The golden config, made quick for process tests: short cycles and heartbeats, no family time budget worth hitting, fast ML training of
/// per-symbol models (the scope these tests were written for; <c>PooledModelCommandTests</c> covers the pooled default).</summary>
internal static class TestConfigs
{
    /// <summary>
    /// The golden config's text for a file placed in the test's working directory (not in a <c>configs/</c> folder): its
    /// relative paths, taken from the file's folder, then point at <c>runtime/</c> and <c>models/</c> of that directory.
    /// The HTTP endpoint takes a free port, so that daemons of tests running at once do not compete for 9464.
    /// </summary>
    public static string GoldenBesideRuntime() =>
        File.ReadAllText(TestPaths.GoldenConfig)
            .Replace("listen: 127.0.0.1:9464", "listen: 127.0.0.1:0")
            .Replace("runtime_dir: ../runtime", "runtime_dir: runtime")
            .Replace("models_dir: ../models/ml_alpha", "models_dir: models/ml_alpha");

    public static string Golden(bool mlEnabled, string cycleInterval, string heartbeat) =>
        GoldenBesideRuntime()
            .Replace("ml_enabled: false", $"ml_enabled: {(mlEnabled ? "true" : "false")}")
            .Replace("cycle_interval: 1s", $"cycle_interval: {cycleInterval}")
            .Replace("heartbeat_interval: 30s", $"heartbeat_interval: {heartbeat}")
            .Replace("family_timeout: 500ms", "family_timeout: 60s")
            .Replace("    weight: 0.4\n", "    weight: 0.4\n    model_refresh: 200ms\n")
            .Replace("      scope: universe ", "      trees: 20\n      scope: symbol ");
}
