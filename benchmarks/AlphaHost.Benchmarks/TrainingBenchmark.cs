using System.Diagnostics;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Plugins.MlAlpha.Training;

namespace AlphaHost.Benchmarks;

/// <summary>Wall-clock time to train every symbol with the default options (one LightGBM thread per model, symbols in parallel).</summary>
internal static class TrainingBenchmark
{
    public static async Task RunAsync()
    {
        var history = BenchData.History();
        var folder = Directory.CreateTempSubdirectory("alphahost-bench-train").FullName;
        try
        {
            var options = new TrainingOptions();
            var started = Stopwatch.GetTimestamp();
            var summary = await new ModelTrainer(BenchData.Contract, options, new ModelStore(folder, "v1", TimeProvider.System), TimeProvider.System)
                .TrainAsync(new(history, history.Symbols.Select(s => s.Symbol).ToArray()), null, CancellationToken.None);
            var elapsed = Stopwatch.GetElapsedTime(started);
            Console.WriteLine(FormattableString.Invariant(
                $"train {history.Source}: {summary.Trained.Count} trained, {summary.Skipped.Count} skipped in {elapsed.TotalSeconds:0.0} s on {Environment.ProcessorCount} cores ({options.Parallelism} symbols at once, {options.ThreadsPerModel} LightGBM thread each)"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
