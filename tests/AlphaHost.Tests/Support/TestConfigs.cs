namespace AlphaHost.Tests.Support;

/// <summary>The golden config, made quick for process tests: short cycles and heartbeats, no family time budget worth hitting, fast ML training.</summary>
internal static class TestConfigs
{
    public static string Golden(bool mlEnabled, string cycleInterval, string heartbeat) =>
        File.ReadAllText(TestPaths.GoldenConfig)
            .Replace("ml_enabled: false", $"ml_enabled: {(mlEnabled ? "true" : "false")}")
            .Replace("cycle_interval: 1s", $"cycle_interval: {cycleInterval}")
            .Replace("heartbeat_interval: 30s", $"heartbeat_interval: {heartbeat}")
            .Replace("family_timeout: 500ms", "family_timeout: 60s")
            .Replace("    weight: 0.4\n", "    weight: 0.4\n    model_refresh: 200ms\n    training:\n      trees: 20\n");
}
