using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Features;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;

namespace AlphaHost.Benchmarks;

/// <summary>
/// Batch features over the whole data set (../shared/data: 494 symbols, 2000-2018). One operation is one pass over every
/// row; the setup prints the row count taken from the data. Rows per second, paired with the plain-loop bound in the
/// same run, come from the <c>offline</c> benchmark (docs/performance.md).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(OneShotConfig))]
public class FeatureBenchmarks
{
    private MarketHistory _history = null!;
    private FeaturePipeline _pipeline = null!;

    [GlobalSetup]
    public void Setup()
    {
        _history = BenchData.History();
        _pipeline = new FeaturePipeline(BenchData.Contract);
        var rows = _history.Symbols.Sum(s => s.Count);
        Console.WriteLine($"// {_history.Source}: {_history.Symbols.Count} symbols, {rows} bar-rows");
    }

    /// <summary>The single-symbol kernels, one core, every row of every symbol.</summary>
    [Benchmark]
    public double KernelsOneCore() => OfflineBenchmark.KernelsOneCore(_history);

    /// <summary>The whole batch entry point: kernels on every core, sector ranks, float32 matrices in contract order.</summary>
    [Benchmark]
    public int ComputeBatchAllCores() => _pipeline.ComputeBatch(_history.Symbols, _history.Benchmark).Count;
}

/// <summary>
/// Each invocation is a whole pass over every row (about a second), so: in process, no pilot, one warm-up and five
/// measured passes.
/// </summary>
public sealed class OneShotConfig : ManualConfig
{
    public OneShotConfig()
    {
        AddJob(Job.Default
            .WithToolchain(new InProcessNoEmitToolchain(TimeSpan.FromMinutes(10), logOutput: true))
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(5));
    }
}
