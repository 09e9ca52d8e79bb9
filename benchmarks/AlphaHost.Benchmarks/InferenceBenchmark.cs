using System.Diagnostics;
using System.Globalization;
using AlphaHost.Host.Market;
using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Plugins.MlAlpha.Models;

namespace AlphaHost.Benchmarks;

/// <summary>
/// Cost of one prediction, the family's compiled trees against ML.NET's <c>PredictionEngine</c> over the same models and
/// rows, measured round after round in one run so the ratios pair measurements taken moments apart: "hot" predicts every
/// row with one model (its trees stay in cache), "rotating" gives each row to the next of the loaded models in turn, as a
/// cycle over 500 symbols does. One thread (the engine is not thread-safe). Every figure of the inference line in docs/performance.md.
/// </summary>
internal static class InferenceBenchmark
{
    public static async Task<int> RunAsync(int rounds, string? pooledModelFolder = null)
    {
        var models = await CycleBenchmark.EnsureSampleModelsAsync(null);
        var loaded = Directory.GetDirectories(models, "*_latest")
            .Select(latest => Path.Combine(latest, ModelStore.ModelFile))
            .Where(File.Exists)
            .Order(StringComparer.Ordinal)
            .Select(LightGbmModel.Load)
            .ToArray();
        if (loaded.Length == 0 || loaded.Any(m => m.Compiled is null))
        {
            Console.Error.WriteLine($"inference: no compiled models in {models}");
            return 2;
        }

        // Real feature rows of the sample market (valid rows only), the same for both predictors.
        var history = MarketHistoryLoader.Load(new SampleMarket(42, 50), null, null, endless: true).History;
        var matrices = new FeaturePipeline(BenchData.Contract).ComputeBatch(history.Symbols, history.Benchmark);
        var rows = matrices.Values.SelectMany(m => Enumerable.Range(0, m.Rows).Where(m.IsValid).Select(r => m.Row(r).ToArray())).Take(20_000).ToArray();
        // The batch figure's model: a pooled model folder given on the command line (e.g. one trained on ../shared/data:
        // its trees are as deep as real data makes them), else the one trained once on the sample market.
        var pooledFolder = pooledModelFolder ?? Path.Combine(await CycleBenchmark.EnsurePooledModelAsync(), "UNIVERSE_v1_latest");
        var pooled = LightGbmModel.Load(Path.Combine(pooledFolder, ModelStore.ModelFile));
        var batch = Enumerable.Range(0, 10).SelectMany(_ => rows).ToArray();
        Console.WriteLine(Inv($"# inference benchmark: {loaded.Length} models ({models}), {rows.Length:N0} feature rows of the sample market, 1 thread; batch: the pooled model {pooledFolder} ({pooled.Compiled!.TreeCount} trees, {pooled.Compiled!.NodeCount} nodes) over {batch.Length:N0} rows on {Environment.ProcessorCount} cores; load average at start {LoadAverage()}; {rounds} rounds"));

        var runs = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        for (var round = 0; round <= rounds; round++)
        {
            // Round 0 warms the JIT and the models and is not counted. Each figure is nanoseconds a row.
            var measured = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["compiled trees, hot (one model)"] = PerRow(rows, _ => loaded[0], useEngine: false),
                ["PredictionEngine, hot (one model)"] = PerRow(rows, _ => loaded[0], useEngine: true),
                ["compiled trees, rotating over the models"] = PerRow(rows, i => loaded[i % loaded.Length], useEngine: false),
                ["PredictionEngine, rotating over the models"] = PerRow(rows, i => loaded[i % loaded.Length], useEngine: true),
                ["pooled model, batch on every core (as backtest and evaluate score a panel)"] = Batch(batch, pooled),
            };
            if (round == 0)
            {
                continue;
            }

            foreach (var (name, ns) in measured)
            {
                (runs.TryGetValue(name, out var list) ? list : runs[name] = []).Add(ns);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| what | median ns a row | min..max ns |");
        Console.WriteLine("| --- | --- | --- |");
        foreach (var (name, values) in runs)
        {
            Console.WriteLine(Inv($"| {name} | {Median(values):0} | {values.Min():0}..{values.Max():0} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| ratio (paired per round) | median | min..max |");
        Console.WriteLine("| --- | --- | --- |");
        Ratio(runs, "PredictionEngine, hot (one model)", "compiled trees, hot (one model)", "PredictionEngine / compiled trees, hot");
        Ratio(runs, "PredictionEngine, rotating over the models", "compiled trees, rotating over the models", "PredictionEngine / compiled trees, rotating");
        Ratio(runs, "compiled trees, rotating over the models", "compiled trees, hot (one model)", "compiled trees, rotating / hot");
        Console.WriteLine();
        Console.WriteLine(Inv($"load average at end {LoadAverage()} (the machine is shared: absolute times move between runs, the paired ratios less)"));
        return 0;
    }

    private static double PerRow(float[][] rows, Func<int, LightGbmModel> modelFor, bool useEngine)
    {
        var sink = 0f;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < rows.Length; i++)
        {
            var model = modelFor(i);
            sink += useEngine ? model.PredictWithEngine(rows[i]) : model.Compiled!.Predict(rows[i]);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        GC.KeepAlive(sink);
        return elapsed.TotalNanoseconds / rows.Length;
    }

    /// <summary>Wall time a row of one model's predictions over many rows on every core, the way <c>PanelScores.Predict</c> runs them.</summary>
    private static double Batch(float[][] rows, LightGbmModel model)
    {
        var trees = model.Compiled!;
        var result = new double[rows.Length];
        var started = Stopwatch.GetTimestamp();
        Parallel.For(0, rows.Length, i => result[i] = trees.Predict(rows[i]));
        var elapsed = Stopwatch.GetElapsedTime(started);
        GC.KeepAlive(result);
        return elapsed.TotalNanoseconds / rows.Length;
    }

    private static void Ratio(Dictionary<string, List<double>> runs, string numerator, string denominator, string label)
    {
        var ratios = runs[numerator].Zip(runs[denominator], (a, b) => a / b).ToList();
        Console.WriteLine(Inv($"| {label} | x{Median(ratios):0.00} | x{ratios.Min():0.00}..x{ratios.Max():0.00} |"));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
