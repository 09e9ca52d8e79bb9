using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Host.Market;
using AlphaHost.Plugins.MlAlpha.Features;

namespace AlphaHost.Benchmarks;

/// <summary>
/// The offline path measured against its bounds in one run, round after round so that every ratio pairs measurements
/// taken moments apart on the same (shared, noisy) machine: reading the bar files with CsvHelper and with the byte
/// scanner, the whole folder load, a plain loop over every bar (the memory bound of the batch features), the kernels on
/// one core, <see cref="FeaturePipeline.ComputeBatch"/>, and the npm <c>technicalindicators</c> peer through node.
/// Row counts come from the data. Every figure of the offline table in docs/performance.md is printed here.
/// </summary>
internal static class OfflineBenchmark
{
    private const int PlainSums = 28;

    public static async Task<int> RunAsync(int rounds)
    {
        var data = BenchData.SharedData;
        if (data is null)
        {
            Console.Error.WriteLine("offline: ../shared/data is not beside the repository; this benchmark needs the real bar folder");
            return 2;
        }

        var files = Directory.GetFiles(Path.Combine(data, "equities"), "*.csv").Order(StringComparer.Ordinal).ToArray();
        var history = MarketHistoryLoader.Load(BarFolderFeed.Open(data), null, null, endless: false).History;
        var rows = history.Symbols.Sum(s => (long)s.Count);
        var barBytes = rows * System.Runtime.CompilerServices.Unsafe.SizeOf<Bar>();

        var aapl = history.Symbols.Single(s => s.Symbol == "AAPL");
        var peer = PeerSetup();
        Console.WriteLine($"# offline benchmark: {history.Source}, {history.Symbols.Count} symbols, {rows:N0} bar rows (counted from the data), " +
            $"{files.Length} files; {Environment.ProcessorCount} cores; load average at start {LoadAverage()}; {rounds} rounds");

        var runs = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        for (var round = 0; round <= rounds; round++)
        {
            // Round 0 warms the JIT and the file cache and is not counted.
            var measured = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["parse, CsvHelper (all cores)"] = Time(() => Parallel.ForEach(files, f =>
                {
                    using var reader = new StreamReader(f);
                    CsvBarFileReader.Read(f, reader);
                })),
                ["parse, byte scanner (all cores)"] = Time(() => Parallel.ForEach(files, f => BarFileReader.Read(f))),
                ["folder load to history (open + history)"] = Time(() => MarketHistoryLoader.Load(BarFolderFeed.Open(data), null, null, endless: false)),
                ["write the batch's float32 output once (fresh memory)"] = InFreshProcess("fresh-output"),
                ["plain loop bound (all cores)"] = InFreshProcess("plain-loop"),
                ["plain loop, compute only (all cores, nothing kept)"] = InFreshProcess("plain-compute"),
                ["kernels, one core"] = InFreshProcess("kernels"),
                ["ComputeBatch (all cores)"] = InFreshProcess("compute-batch"),
                ["ComputeBatch, its memory already mapped (all cores)"] = InFreshProcess("compute-batch-mapped"),
                ["AAPL kernels in process"] = Time(() => KernelsOneCore(new MarketHistory([aapl], history.Benchmark, ""))),
            };
            if (peer is not null)
            {
                var (wall, inProcess) = RunPeer(peer, Path.Combine(data, "equities", "AAPL.csv"));
                measured["peer: node technicalindicators, AAPL, whole process"] = wall;
                measured["peer: technicalindicators in process (5 indicators)"] = inProcess;
                measured["ours: alphahost features --symbol AAPL, whole process"] = Time(() => RunOurs(data));
            }

            if (round == 0)
            {
                continue;
            }

            foreach (var (name, ms) in measured)
            {
                (runs.TryGetValue(name, out var list) ? list : runs[name] = []).Add(ms);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| what | median ms | min..max ms | rows/s (median) |");
        Console.WriteLine("| --- | --- | --- | --- |");
        foreach (var (name, list) in runs)
        {
            var perRow = name.Contains("AAPL", StringComparison.Ordinal) ? aapl.Count : rows;
            Console.WriteLine(Inv($"| {name} | {Median(list):0.0} | {list.Min():0.0}..{list.Max():0.0} | {perRow / (Median(list) / 1000.0) / 1e6:0.00} M |"));
        }

        Console.WriteLine();
        Console.WriteLine("| ratio (paired per round) | median | min..max |");
        Console.WriteLine("| --- | --- | --- |");
        Ratio(runs, "parse, CsvHelper (all cores)", "parse, byte scanner (all cores)", "CsvHelper / byte scanner (parse time)");
        Ratio(runs, "ComputeBatch (all cores)", "plain loop bound (all cores)", "ComputeBatch / plain loop bound");
        Ratio(runs, "ComputeBatch (all cores)", "plain loop, compute only (all cores, nothing kept)", "ComputeBatch / plain loop computing only");
        Ratio(runs, "ComputeBatch, its memory already mapped (all cores)", "plain loop bound (all cores)", "ComputeBatch on mapped memory / plain loop bound");
        Ratio(runs, "plain loop bound (all cores)", "write the batch's float32 output once (fresh memory)", "plain loop bound / writing its output once");
        Ratio(runs, "peer: technicalindicators in process (5 indicators)", "AAPL kernels in process", "peer in process / our 28 kernels in process");
        Ratio(runs, "ours: alphahost features --symbol AAPL, whole process", "peer: node technicalindicators, AAPL, whole process", "ours / peer, whole process");

        Console.WriteLine();
        Console.WriteLine(Inv($"bars' own size: {barBytes / 1048576.0:0} MB ({rows:N0} x {System.Runtime.CompilerServices.Unsafe.SizeOf<Bar>()} bytes); managed heap holding the loaded history: {HeldBytes(data) / 1048576.0:0} MB"));
        Console.WriteLine($"load average at end {LoadAverage()} (the machine is shared: absolute times move between runs, the paired ratios less)");
        if (peer is null)
        {
            Console.WriteLine("peer: not measured (node or npm not found, or `npm install` failed; see above)");
        }

        await Task.CompletedTask;
        return 0;
    }

    /// <summary>
    /// Every bar read once, 28 windowed sums kept and 28 float32 values written a row, symbols on every core: into one
    /// batch array kept as the result (as <see cref="FeaturePipeline.ComputeBatch"/> keeps its rows), or, with
    /// <paramref name="keep"/> false, into one reused row per core (the loop's arithmetic alone, no output memory).
    /// </summary>
    private static float[] PlainLoop(IReadOnlyList<SymbolHistory> symbols, bool keep)
    {
        var first = new int[symbols.Count + 1];
        for (var s = 0; s < symbols.Count; s++)
        {
            first[s + 1] = first[s] + symbols[s].Count;
        }

        var output = keep ? GC.AllocateUninitializedArray<float>(first[^1] * PlainSums) : [];
        Parallel.For(0, symbols.Count, () => new float[PlainSums], (s, _, reused) =>
        {
            var bars = symbols[s].Bars.Span;
            Span<double> ring = stackalloc double[64];
            Span<double> sums = stackalloc double[PlainSums];
            for (var i = 0; i < bars.Length; i++)
            {
                var x = bars[i].Close + bars[i].High - bars[i].Low + bars[i].Volume;
                ring[i & 63] = x;
                var row = keep ? output.AsSpan((first[s] + i) * PlainSums, PlainSums) : reused;
                for (var k = 0; k < PlainSums; k++)
                {
                    var window = 2 + (2 * k);
                    sums[k] += x - (i >= window ? ring[(i - window) & 63] : 0);
                    row[k] = (float)(sums[k] / window);
                }
            }

            return reused;
        }, _ => { });
        return output;
    }

    /// <summary>A fresh float32 array the size of the batch's output, every element written once: the memory part of the bound.</summary>
    private static float[] FreshOutput(long rows)
    {
        var output = GC.AllocateUninitializedArray<float>(checked((int)(rows * PlainSums)));
        output.AsSpan().Fill(1f);
        return output;
    }

    /// <summary>The single-symbol kernels, one core, every row of every symbol (also BenchmarkDotNet's <c>KernelsOneCore</c>).</summary>
    internal static double KernelsOneCore(MarketHistory history)
    {
        var output = new double[FeatureState.Supported.Count];
        var returns = FeaturePipeline.BenchmarkReturns(history.Benchmark);
        var sum = 0.0;
        foreach (var symbol in history.Symbols)
        {
            var state = new FeatureState();
            foreach (var bar in symbol.Bars.Span)
            {
                state.Update(bar, returns.GetValueOrDefault(bar.Date, double.NaN), output);
            }

            sum += output[0];
        }

        return sum;
    }

    private static long HeldBytes(string data)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var history = MarketHistoryLoader.Load(BarFolderFeed.Open(data), null, null, endless: false).History;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(history);
        return after - before;
    }

    /// <summary>Installs the peer (benchmarks/peer, from the npm registry) unless there; null when node or npm is missing.</summary>
    private static string? PeerSetup()
    {
        var folder = Path.Combine(BenchData.RepoRoot, "benchmarks", "peer");
        if (!Exists("node") || !Exists("npm"))
        {
            Console.WriteLine("peer: node and npm are needed to run technicalindicators; not found on PATH");
            return null;
        }

        if (!Directory.Exists(Path.Combine(folder, "node_modules", "technicalindicators")))
        {
            var (code, output) = Run("npm", folder, "install", "--no-audit", "--no-fund");
            if (code != 0)
            {
                Console.WriteLine($"peer: npm install failed ({code}): {output.Trim()}");
                return null;
            }
        }

        var (_, version) = Run("node", folder, "-e", "console.log(require('technicalindicators/package.json').version + ' on node ' + process.version)");
        Console.WriteLine($"peer: technicalindicators {version.Trim()}");
        return folder;
    }

    private static (double WallMs, double InProcessMs) RunPeer(string folder, string file)
    {
        string output = "";
        var wall = Time(() => (_, output) = Run("node", folder, "peer.js", file, "20"));
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        return (wall, json.RootElement.GetProperty("indicators_ms").GetDouble());
    }

    private static void RunOurs(string data)
    {
        var host = Path.Combine(BenchData.RepoRoot, "host", "bin", "Release", "net10.0", "alphahost.dll");
        var output = Path.Combine(Path.GetTempPath(), $"alphahost-bench-features-{Environment.ProcessId}.csv");
        var (code, text) = Run("dotnet", BenchData.RepoRoot, host, "features", "--symbol", "AAPL", "--data", data, "--out", output);
        File.Delete(output);
        if (code != 0)
        {
            throw new InvalidOperationException($"alphahost features failed ({code}): {text}");
        }
    }

    private static (int Code, string Output) Run(string file, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static bool Exists(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, command)));

    private static void Ratio(Dictionary<string, List<double>> runs, string numerator, string denominator, string label)
    {
        if (!runs.TryGetValue(numerator, out var top) || !runs.TryGetValue(denominator, out var bottom))
        {
            return;
        }

        var ratios = top.Zip(bottom, (a, b) => a / b).ToList();
        Console.WriteLine(Inv($"| {label} | x{Median(ratios):0.00} | x{ratios.Min():0.00}..x{ratios.Max():0.00} |"));
    }

    /// <summary>
    /// Runs one batch measurement in a process of its own (<c>offline-one NAME</c>): the data is loaded there untimed,
    /// then the action is timed once. In one long process an action that allocates right after another's large garbage
    /// reuses memory already mapped while the next pays for fresh pages (on this virtual machine ~7 ms per MB, more than
    /// the batch's arithmetic), so which of two came first decided their ratio; in a fresh process each pays for its
    /// own memory, as a command does.
    /// </summary>
    private static double InFreshProcess(string what)
    {
        var (code, output) = Run("dotnet", BenchData.RepoRoot, typeof(OfflineBenchmark).Assembly.Location, "offline-one", what);
        return code == 0
            ? double.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"offline-one {what} failed ({code}): {output}");
    }

    /// <summary>The child of <see cref="InFreshProcess"/>: loads the data, times one batch action, prints its milliseconds.</summary>
    public static int RunOne(string what)
    {
        var history = MarketHistoryLoader.Load(BarFolderFeed.Open(BenchData.SharedData!), null, null, endless: false).History;
        var rows = history.Symbols.Sum(s => (long)s.Count);
        var pipeline = new FeaturePipeline(BenchData.Contract);
        Action action = what switch
        {
            "fresh-output" => () => FreshOutput(rows),
            "plain-loop" => () => PlainLoop(history.Symbols, keep: true),
            "plain-compute" => () => PlainLoop(history.Symbols, keep: false),
            "kernels" => () => KernelsOneCore(history),
            "compute-batch" => () => pipeline.ComputeBatch(history.Symbols, history.Benchmark),
            "compute-batch-mapped" => () => pipeline.ComputeBatch(history.Symbols, history.Benchmark),
            _ => throw new ArgumentException($"unknown measurement {what}", nameof(what)),
        };

        // Warm the code on one symbol (JIT), not the memory.
        var one = new MarketHistory([history.Symbols[0]], history.Benchmark, "");
        _ = what == "fresh-output" ? null : pipeline.ComputeBatch(one.Symbols, one.Benchmark);
        PlainLoop(one.Symbols, keep: true);
        KernelsOneCore(one);
        if (what == "compute-batch-mapped")
        {
            // The same batch once before, untimed: the timed one allocates where its garbage was, in pages the process
            // has already touched, which leaves the batch's arithmetic and its memory traffic without first-touch faults.
            GC.KeepAlive(pipeline.ComputeBatch(history.Symbols, history.Benchmark));
            GC.Collect();
        }

        Console.WriteLine(Time(action).ToString("0.0", CultureInfo.InvariantCulture));
        return 0;
    }

    private static double Time(Action action)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var started = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
