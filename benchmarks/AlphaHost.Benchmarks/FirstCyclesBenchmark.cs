using System.Diagnostics;
using System.Globalization;
using AlphaHost.Abstractions;
using AlphaHost.Host.Market;
using AlphaHost.Plugins.MlAlpha;
using AlphaHost.Plugins.MlAlpha.Training;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlphaHost.Benchmarks;

/// <summary>
/// The ML family's first cycles after a start, as the daemon's <c>run --from</c> makes them on <c>../shared/data</c>: the
/// history before the start date is warm-up, the family initializes, then each cycle takes the next trading day a
/// <c>cycle_interval</c> (1 s) apart. Prints the initialization's time and each of the first cycles' (the 500 ms budget
/// is what they are held to).
/// </summary>
internal static class FirstCyclesBenchmark
{
    public static async Task<int> RunAsync(string modelsDir, DateOnly from, int cycles)
    {
        if (BenchData.SharedData is not { } data)
        {
            Console.Error.WriteLine("first-cycles needs ../shared/data");
            return 2;
        }

        var feed = BarFolderFeed.Open(data);
        var market = new MarketState(feed.Universe, feed.Benchmark);
        var day = default(MarketDay);
        while (feed.TryNextDay(out day) && day.Date < from)
        {
            market.Append(day);
        }

        var family = new MlAlphaFamily();
        var state = Directory.CreateTempSubdirectory("alphahost-bench-state").FullName;
        var settings = new Dictionary<string, string> { ["models_dir"] = modelsDir, ["training.scope"] = TrainingOptions.UniverseScope };
        var started = Stopwatch.GetTimestamp();
        await family.InitializeAsync(new FamilyContext("ml_alpha", new FamilySettings("families.ml_alpha", settings), NullLogger.Instance, TimeProvider.System, AppContext.BaseDirectory, state), CancellationToken.None);
        Console.WriteLine(FormattableString.Invariant($"initialize: {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms ({market.Snapshot(0).Symbols.Count} symbols, history to {market.CurrentDate:yyyy-MM-dd})"));
        for (var c = 1; c <= cycles; c++)
        {
            market.Append(day);
            var snapshot = market.Snapshot(c);
            started = Stopwatch.GetTimestamp();
            var signals = await family.ComputeAsync(snapshot, CancellationToken.None);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Console.WriteLine(FormattableString.Invariant($"cycle {c} ({snapshot.Date:yyyy-MM-dd}): {elapsed:0} ms, {signals.BySymbol.Count} signals, {family.Health.State}: {family.Health.Detail}"));
            await Task.Delay(TimeSpan.FromSeconds(1));
            feed.TryNextDay(out day);
        }

        await family.DisposeAsync();
        Console.WriteLine($"load average at end {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown")}");
        return 0;
    }
}
