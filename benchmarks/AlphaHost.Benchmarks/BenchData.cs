using AlphaHost.Abstractions;
using AlphaHost.Host.Market;
using AlphaHost.Plugins.MlAlpha.Contracts;

namespace AlphaHost.Benchmarks;

/// <summary>Where the benchmarks get their data: <c>../shared/data</c> when it is there, else the sample market.</summary>
internal static class BenchData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static FeatureContract Contract { get; } = FeatureContract.LoadNamed(Path.Combine(RepoRoot, "contracts"), "ml_v1");

    public static string? SharedData
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));
            return File.Exists(Path.Combine(path, "benchmark_SPY.csv")) ? path : null;
        }
    }

    /// <summary>The real bars when present, else 4,700 days of the 500-symbol sample market (about the same size).</summary>
    public static MarketHistory History()
    {
        var (feed, endless) = SharedData is { } data ? ((IMarketFeed)BarFolderFeed.Open(data), false) : (new SampleMarket(42, 500), true);
        return MarketHistoryLoader.Load(feed, null, endless ? new DateOnly(2033, 1, 1) : null, endless).History;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AlphaHost.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("AlphaHost.sln not found above the benchmark's output");
    }
}
