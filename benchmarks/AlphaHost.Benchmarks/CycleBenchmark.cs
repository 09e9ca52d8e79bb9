using System.Diagnostics;
using AlphaHost.Abstractions;
using AlphaHost.Host.Market;
using AlphaHost.Plugins.MlAlpha;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Plugins.MlAlpha.Training;
using AlphaHost.Plugins.MlAlpha.Universe;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlphaHost.Benchmarks;

/// <summary>
/// One live cycle of the ML family as the daemon runs it (incremental features for every symbol, the feature check,
/// batched inference, signals) over the 500-symbol sample market with a model per symbol: p50/p99 over many cycles.
/// BenchmarkDotNet reports means and lower percentiles; the p99 of a cycle is what a trading loop cares about, so this is
/// measured directly with a stopwatch around each call after a warm-up.
/// </summary>
internal static class CycleBenchmark
{
    public static async Task RunAsync(int cycles, string? modelsDir)
    {
        var models = await EnsureSampleModelsAsync(modelsDir);
        var feed = new SampleMarket(42, 500);

        var family = new MlAlphaFamily();
        var state = Directory.CreateTempSubdirectory("alphahost-bench-state").FullName;
        await family.InitializeAsync(new FamilyContext("ml_alpha", new FamilySettings("families.ml_alpha", new Dictionary<string, string> { ["models_dir"] = models, ["training.scope"] = TrainingOptions.SymbolScope }),
            NullLogger.Instance, TimeProvider.System, AppContext.BaseDirectory, state), CancellationToken.None);
        var loaded = family.LoadModels();
        Console.WriteLine($"{loaded.BySymbol.Count} models loaded");

        var market = new MarketState(feed.Universe, feed.Benchmark);
        for (var i = 0; i < 300; i++)
        {
            feed.TryNextDay(out var day);
            market.Append(day);
        }

        const int warmup = 300;
        (int Count, TimeSpan Pause, long Bytes) gcStart = default;
        var times = new List<double>(cycles);
        var signals = 0;
        long familyBytes = 0;
        for (var c = 0; c < warmup + cycles; c++)
        {
            feed.TryNextDay(out var day);
            market.Append(day);
            var snapshot = market.Snapshot(c + 1);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
            var started = Stopwatch.GetTimestamp();
            var result = await family.ComputeAsync(snapshot, CancellationToken.None);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
            if (c == warmup)
            {
                gcStart = (GC.CollectionCount(0), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());
            }

            if (c >= warmup)
            {
                times.Add(elapsed);
                signals += result.BySymbol.Count;
                familyBytes += allocated;
            }
        }

        times.Sort();
        Console.WriteLine(FormattableString.Invariant(
            $"gc during the measured cycles: {GC.CollectionCount(0) - gcStart.Count} collections, {(GC.GetTotalPauseDuration() - gcStart.Pause).TotalMilliseconds:0} ms paused, {(GC.GetTotalAllocatedBytes() - gcStart.Bytes) / 1024.0 / cycles:0} KB allocated per cycle (market and family; {familyBytes / 1024.0 / cycles:0} KB by the family), heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576} MB"));
        Console.WriteLine(FormattableString.Invariant(
            $"cycle (500 symbols, features + check + inference): cycles={cycles} p50_ms={times[times.Count / 2]:0.000} p99_ms={times[(int)(times.Count * 0.99)]:0.000} max_ms={times[^1]:0.000} signals_per_cycle={signals / (double)cycles:0.0} state={family.Health.State} ({family.Health.Detail})"));
    }

    /// <summary>
    /// <paramref name="modelsDir"/>, or a model per symbol of the 500-symbol sample market in the temp folder, trained
    /// there on first use.
    /// </summary>
    public static async Task<string> EnsureSampleModelsAsync(string? modelsDir)
    {
        var models = modelsDir ?? Path.Combine(Path.GetTempPath(), "alphahost-bench-models");
        if (modelsDir is null && !Directory.Exists(models))
        {
            Console.WriteLine($"training 500 sample models into {models} (once)...");
            var history = MarketHistoryLoader.Load(new SampleMarket(42, 500), null, null, endless: true).History;
            var trainer = new ModelTrainer(BenchData.Contract, new TrainingOptions(), new ModelStore(models, "v1", TimeProvider.System), TimeProvider.System);
            await trainer.TrainAsync(new TrainingRequest(history, history.Symbols.Select(s => s.Symbol).ToArray()), null, CancellationToken.None);
        }

        return models;
    }

    /// <summary>
    /// How universe size scales one ML cycle: the sample market at 500, 2,000 and 5,000 symbols, the same models folder
    /// (a per-symbol folder serves the symbols it has models for; <c>pooled</c> trains one pooled model over the 5,000
    /// sample symbols once and serves every symbol with it), p50/p99 over
    /// <paramref name="cycles"/> cycles after a warm-up, and the symbols actually scored per cycle.
    /// </summary>
    public static async Task ScaleAsync(int cycles, string? modelsDir)
    {
        var pooled = modelsDir == "pooled";
        var models = pooled ? await EnsurePooledModelAsync() : await EnsureSampleModelsAsync(modelsDir);
        var settings = new Dictionary<string, string> { ["models_dir"] = models, ["training.scope"] = pooled ? TrainingOptions.UniverseScope : TrainingOptions.SymbolScope };

        Console.WriteLine(FormattableString.Invariant($"# cycle scaling: models {models}{(pooled ? " (one pooled model)" : "")}; {cycles} cycles after 200 warm-up per size; {Environment.ProcessorCount} cores; load average at start {LoadAverage()}"));
        Console.WriteLine("| symbols | scored a cycle | p50 ms | p99 ms | max ms | p50 µs a scored symbol |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var size in new[] { 500, 2_000, 5_000 })
        {
            var family = new MlAlphaFamily();
            var state = Directory.CreateTempSubdirectory("alphahost-bench-state").FullName;
            await family.InitializeAsync(new FamilyContext("ml_alpha", new FamilySettings("families.ml_alpha", settings),
                NullLogger.Instance, TimeProvider.System, AppContext.BaseDirectory, state), CancellationToken.None);
            family.LoadModels();
            var feed = new SampleMarket(42, size);
            var market = new MarketState(feed.Universe, feed.Benchmark);
            for (var i = 0; i < 300; i++)
            {
                feed.TryNextDay(out var day);
                market.Append(day);
            }

            const int warmup = 200;
            var times = new List<double>(cycles);
            long scored = 0;
            for (var c = 0; c < warmup + cycles; c++)
            {
                feed.TryNextDay(out var day);
                market.Append(day);
                var snapshot = market.Snapshot(c + 1);
                var started = Stopwatch.GetTimestamp();
                var result = await family.ComputeAsync(snapshot, CancellationToken.None);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (c >= warmup)
                {
                    times.Add(elapsed);
                    scored += result.BySymbol.Count;
                }
            }

            await family.DisposeAsync();
            times.Sort();
            var perCycle = scored / (double)cycles;
            var p50 = times[times.Count / 2];
            Console.WriteLine(FormattableString.Invariant(
                $"| {size:N0} | {perCycle:0} | {p50:0.00} | {times[(int)(times.Count * 0.99)]:0.00} | {times[^1]:0.00} | {(perCycle > 0 ? p50 * 1000 / perCycle : double.NaN):0.0} |"));
        }

        Console.WriteLine(FormattableString.Invariant($"load average at end {LoadAverage()} (the machine is shared: absolute times move between runs)"));
    }

    /// <summary>
    /// One pooled model over the 5,000-symbol sample market's first 400 days (2 M rows, about the real data's size) in the
    /// temp folder, trained there on first use: it serves every symbol of the 500, 2,000 and 5,000-symbol markets.
    /// </summary>
    public static async Task<string> EnsurePooledModelAsync()
    {
        var models = Path.Combine(Path.GetTempPath(), "alphahost-bench-pooled-model");
        if (!Directory.Exists(models))
        {
            Console.WriteLine($"training one pooled model over 5,000 sample symbols into {models} (once)...");
            var feed = new SampleMarket(42, 5_000);
            var history = MarketHistoryLoader.Load(feed, null, new DateOnly(2016, 7, 14), endless: true).History; // 400 weekdays from 2015-01-02
            var options = new TrainingOptions { Scope = TrainingOptions.UniverseScope, ThreadsPerModel = Environment.ProcessorCount };
            var trainer = new UniverseTrainer(BenchData.Contract, options, new ModelStore(models, "v1", TimeProvider.System), TimeProvider.System);
            var started = Stopwatch.GetTimestamp();
            var summary = await trainer.TrainAsync(new TrainingRequest(history, history.Symbols.Select(s => s.Symbol).ToArray()), null, CancellationToken.None);
            Console.WriteLine(FormattableString.Invariant($"pooled model trained in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s: {summary.Trained.Count} model, {summary.Skipped.Count} skipped"));
        }

        return models;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
