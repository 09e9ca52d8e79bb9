using System.Diagnostics;
using System.Globalization;
using AlphaHost.Host.Market;

namespace AlphaHost.Benchmarks;

/// <summary>
/// What a daily data drop costs the cycle that picks it up: a copy of the bar folder (the real data when present, else
/// a written sample market of the same size) is opened and replayed to its end, then one new day is appended to every
/// file (equities first, benchmark last) <c>drops</c> times; each <c>TryNextDay</c> that reads a drop is timed.
/// </summary>
internal static class FollowBenchmark
{
    public static void Run(int drops)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"alphahost-follow-{Environment.ProcessId}");
        try
        {
            var rows = CopyOrWrite(folder);
            var open = Stopwatch.StartNew();
            var feed = BarFolderFeed.Open(folder);
            open.Stop();
            var days = 0;
            while (feed.TryNextDay(out _))
            {
                days++;
            }

            var equities = Directory.GetFiles(Path.Combine(folder, "equities"), "*.csv");
            var benchmark = Path.Combine(folder, "benchmark_SPY.csv");
            var date = DateOnly.ParseExact(File.ReadLines(benchmark).Last()[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var times = new List<double>();
            for (var drop = 0; drop < drops; drop++)
            {
                date = date.AddDays(1);
                var row = $"{date:yyyy-MM-dd},10,11,9,10.5,1000\n";
                foreach (var file in equities)
                {
                    File.AppendAllText(file, row);
                }

                File.AppendAllText(benchmark, row);
                var watch = Stopwatch.StartNew();
                var delivered = feed.TryNextDay(out var day);
                watch.Stop();
                if (!delivered || day.Date != date)
                {
                    throw new InvalidOperationException($"drop {drop}: day {date} not delivered");
                }

                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            Console.WriteLine($"folder: {equities.Length} equity files, {rows:N0} rows; open {open.Elapsed.TotalSeconds:F2} s; replayed {days:N0} days");
            Console.WriteLine($"one appended day picked up: median {times[times.Count / 2]:F1} ms, max {times[^1]:F1} ms over {drops} drops");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static long CopyOrWrite(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "equities"));
        if (BenchData.SharedData is { } data)
        {
            foreach (var file in Directory.GetFiles(Path.Combine(data, "equities"), "*.csv"))
            {
                File.Copy(file, Path.Combine(folder, "equities", Path.GetFileName(file)));
            }

            File.Copy(Path.Combine(data, "benchmark_SPY.csv"), Path.Combine(folder, "benchmark_SPY.csv"));
            File.Copy(Path.Combine(data, "universe.csv"), Path.Combine(folder, "universe.csv"));
        }
        else
        {
            var market = new SampleMarket(42, 500);
            var writers = market.Universe.ToDictionary(s => s.Symbol, s => new StreamWriter(Path.Combine(folder, "equities", s.Symbol + ".csv")));
            using var spy = new StreamWriter(Path.Combine(folder, "benchmark_SPY.csv"));
            foreach (var writer in writers.Values.Append(spy))
            {
                writer.Write("date,open,high,low,close,volume\n");
            }

            for (var d = 0; d < 4_700 && market.TryNextDay(out var day); d++)
            {
                foreach (var (symbol, bar) in day.Bars)
                {
                    writers[symbol].Write(string.Create(CultureInfo.InvariantCulture, $"{bar.Date:yyyy-MM-dd},{bar.Open},{bar.High},{bar.Low},{bar.Close},{bar.Volume}\n"));
                }

                var b = day.Benchmark!.Value;
                spy.Write(string.Create(CultureInfo.InvariantCulture, $"{b.Date:yyyy-MM-dd},{b.Open},{b.High},{b.Low},{b.Close},{b.Volume}\n"));
            }

            foreach (var writer in writers.Values)
            {
                writer.Dispose();
            }
        }

        return Directory.GetFiles(Path.Combine(folder, "equities"), "*.csv").Sum(f => File.ReadLines(f).LongCount() - 1);
    }
}
