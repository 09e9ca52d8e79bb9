using AlphaHost.Abstractions;
using AlphaHost.Host.Market;
using AlphaHost.Host.Workers;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Workers;

/// <summary>
/// The market image: what a worker reads from it is, cycle after cycle and across generations, exactly the host's
/// snapshot; views once handed out never change; the mapping is read-only; a failed write is one line and the next
/// cycle tries again.
/// </summary>
public sealed class MarketImageTests : IDisposable
{
    private static readonly SymbolInfo Spy = new("SPY", "Index", "Benchmark");
    private static readonly SymbolInfo[] Universe = [new("AAA", "A", "Tech"), new("BBB", "B", "Energy"), new("CCC", "C", "Energy"), new("DDD", "D", "Health")];
    private readonly TempDir _dir = new();

    [Fact]
    public void Publish_HundredsOfCyclesThroughSeveralGenerations_TheWorkerReadsExactlyTheHostsSnapshot()
    {
        // A short kept history (8 bars, at most 16) makes the host drop bars and the image start new generations.
        using var image = new MarketImage(_dir.File("market"));
        var market = new MarketState(Universe, Spy, maxHistory: 8, image);
        var worker = Worker(market);
        for (var day = 1; day <= 300; day++)
        {
            market.Append(Day(day));
            var expected = market.Snapshot(day);

            var actual = Read(worker, image.Publish(market, expected));

            AssertSame(expected, actual);
        }

        Assert.True(image.Generation >= 4, $"only {image.Generation} generations in 300 days");
        Assert.Equal(image.Generation, worker.Generation);
        Assert.True(Directory.GetFiles(_dir.File("market")).Length <= 2, "generations before the previous one are deleted");
    }

    [Fact]
    public void Publish_HostMovesOnAndChangesGeneration_ViewsHandedOutEarlierKeepTheirBars()
    {
        using var image = new MarketImage(_dir.File("market"));
        var market = new MarketState(Universe, Spy, maxHistory: 8, image);
        var worker = Worker(market);
        market.Append(Day(1));
        var early = Read(worker, image.Publish(market, market.Snapshot(1)));
        var copies = early.Symbols.Select(s => s.Bars.ToArray()).ToList();

        for (var day = 2; day <= 200; day++)
        {
            market.Append(Day(day));
            Read(worker, image.Publish(market, market.Snapshot(day)));
        }

        Assert.True(image.Generation >= 2);
        Assert.Equal(copies, early.Symbols.Select(s => s.Bars.ToArray()));
    }

    [Fact]
    public void Read_WorkersMapping_HasNoWritePermission()
    {
        using var image = new MarketImage(_dir.File("market"));
        var market = new MarketState(Universe, Spy, store: image);
        market.Append(Day(1));
        var snapshot = Read(Worker(market), image.Publish(market, market.Snapshot(1)));

        // /proc/self/maps lists this process's two mappings of the file: the host's (rw-s) and the worker's, which must be r--s.
        var mappings = File.ReadLines("/proc/self/maps").Where(l => l.EndsWith(image.Path!, StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
        Assert.Contains("rw-s", mappings);
        Assert.Contains("r--s", mappings);
        Assert.Equal(2, mappings.Count);
        GC.KeepAlive(snapshot);
    }

    [Fact]
    public void Publish_NewGenerationCannotBeWritten_OneLineNamingTheFileAndTheNextCycleWritesIt()
    {
        var folder = _dir.File("market");
        using var image = new MarketImage(folder);
        var market = new MarketState(Universe, Spy, maxHistory: 8, image);
        var worker = Worker(market);
        market.Append(Day(1));
        Read(worker, image.Publish(market, market.Snapshot(1)));

        // The folder is replaced by a file: the next generation cannot be created (as on a full disk, an IOException).
        Directory.Delete(folder, recursive: true);
        File.WriteAllText(folder, "not a folder");
        var day = 2;
        MarketImageException? failure = null;
        for (; failure is null && day < 200; day++)
        {
            market.Append(Day(day));
            failure = Record.Exception(() => image.Publish(market, market.Snapshot(day))) as MarketImageException;
        }

        Assert.NotNull(failure);
        Assert.Contains(Path.Combine(folder, "image-2.bin"), failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);

        File.Delete(folder);
        market.Append(Day(day));
        var expected = market.Snapshot(day);
        AssertSame(expected, Read(worker, image.Publish(market, expected)));
        Assert.Equal(2, image.Generation);
    }

    [Fact]
    public void Publish_FirstWriteOfADaemon_DeletesADeadDaemonsImagesAndStartsAtGenerationOne()
    {
        var folder = Directory.CreateDirectory(_dir.File("market")).FullName;
        File.WriteAllText(Path.Combine(folder, "image-7.bin"), "left by a daemon that was killed");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image");
        using var image = new MarketImage(folder);
        var market = new MarketState(Universe, Spy, store: image);
        market.Append(Day(1));

        image.Publish(market, market.Snapshot(1));

        Assert.Equal(1, image.Generation);
        Assert.Equal(["image-1.bin", "notes.txt"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Read_ImageOfAnotherGeneration_IsRefusedWithTheFileNamed()
    {
        using var image = new MarketImage(_dir.File("market"));
        var market = new MarketState(Universe, Spy, store: image);
        market.Append(Day(1));
        var request = image.Publish(market, market.Snapshot(1));
        var path = image.Path!;

        // The same request against a header overwritten in place (a leftover of another daemon, a damaged file).
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Write(new byte[MarketImageLayout.HeaderBytes]);
        }

        var error = Assert.Throws<InvalidDataException>(() => Read(Worker(market), request));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not a market image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_MarketOverTheImage_HostViewsReadEveryAppendedBarKeepingMaxHistoryToTwice()
    {
        using var image = new MarketImage(_dir.File("market"));
        var market = new MarketState(Universe, Spy, maxHistory: 8, image);
        var appended = Universe.Select(u => u.Symbol).Append(Spy.Symbol).ToDictionary(s => s, _ => new List<Bar>(), StringComparer.Ordinal);
        for (var day = 1; day <= 300; day++)
        {
            var marketDay = Day(day);
            market.Append(marketDay);
            foreach (var (symbol, bar) in marketDay.Bars)
            {
                appended[symbol].Add(bar);
            }

            if (marketDay.Benchmark is { } benchmarkBar)
            {
                appended[Spy.Symbol].Add(benchmarkBar);
            }

            var (benchmark, symbols) = market.Export();
            foreach (var history in symbols.Append(benchmark))
            {
                var all = appended[history.Symbol];
                Assert.Equal(all.TakeLast(history.Count), history.Bars.ToArray());
                Assert.InRange(history.Count, Math.Min(all.Count, 8), 16);
            }
        }

        Assert.True(image.Generation >= 4, $"only {image.Generation} generations in 300 days");
    }

    [Fact]
    public void Append_HostKeepsAnEarlySnapshotThroughGenerations_ItsViewsStillReadTheirBars()
    {
        using var image = new MarketImage(_dir.File("market"));
        var market = new MarketState(Universe, Spy, maxHistory: 8, image);
        market.Append(Day(1));
        var early = market.Snapshot(1);
        var copies = early.Symbols.Select(s => s.Bars.ToArray()).ToList();

        for (var day = 2; day <= 200; day++)
        {
            market.Append(Day(day));
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();

        Assert.True(image.Generation >= 2);
        Assert.Equal(copies, early.Symbols.Select(s => s.Bars.ToArray()));
    }

    [Fact]
    public void Append_DayAfterANewGenerationWithTheLastSnapshotHeld_HostUnmapsThePreviousGeneration()
    {
        using var image = new MarketImage(_dir.File("market"));
        var market = new MarketState(Universe, Spy, maxHistory: 8, image);
        var day = 1;
        market.Append(Day(day));
        var last = market.Snapshot(day);

        // As the daemon's cycle does, the last snapshot (a view of the generation in use) is held while the next day is appended.
        var generation = image.Generation;
        while (image.Generation == generation)
        {
            day++;
            market.Append(Day(day));
            last = market.Snapshot(day);
        }

        day++;
        market.Append(Day(day));
        last = market.Snapshot(day);
        GC.WaitForPendingFinalizers();

        var mapped = File.ReadLines("/proc/self/maps").Where(l => l.Contains(_dir.Path, StringComparison.Ordinal)).Select(l => l.Split(' ')[^1]).Distinct().ToList();
        Assert.Equal([image.Path!], mapped);
        GC.KeepAlive(last);
    }

    [Fact]
    public void Append_ImageNeverWritable_MarketStaysWholeOnTheHeapAndPublishNamesTheFile()
    {
        var folder = _dir.File("market");
        File.WriteAllText(folder, "a file where the image folder belongs");
        using var image = new MarketImage(folder);
        var market = new MarketState(Universe, Spy, maxHistory: 8, image);
        for (var day = 1; day <= 100; day++)
        {
            market.Append(Day(day));
        }

        Assert.Equal(Enumerable.Range(1, 100).Select(d => Day(d).Bars["AAA"]).TakeLast(market.Snapshot(100).Symbols[0].Count), market.Snapshot(100).Symbols[0].Bars.ToArray());
        var failure = Assert.Throws<MarketImageException>(() => image.Publish(market, market.Snapshot(100)));
        Assert.Contains(Path.Combine(folder, "image-1.bin"), failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, image.Generation);
    }

    public void Dispose() => _dir.Dispose();

    private static WorkerMarket Worker(MarketState market)
    {
        var worker = new WorkerMarket();
        var (benchmark, symbols) = market.Export();
        worker.Sync(WorkerProtocol.Payload(w =>
        {
            WorkerProtocol.WriteSymbol(w, benchmark.Info);
            w.Write(symbols.Count);
            foreach (var symbol in symbols)
            {
                WorkerProtocol.WriteSymbol(w, symbol.Info);
            }
        }));
        return worker;
    }

    private static MarketSnapshot Read(WorkerMarket worker, byte[] request)
    {
        using var reader = WorkerProtocol.Reader(request);
        return worker.Read(reader);
    }

    private static void AssertSame(MarketSnapshot expected, MarketSnapshot actual)
    {
        Assert.Equal(expected.Cycle, actual.Cycle);
        Assert.Equal(expected.Date, actual.Date);
        Assert.Equal(expected.Benchmark.Info, actual.Benchmark.Info);
        Assert.Equal(expected.Benchmark.Bars.ToArray(), actual.Benchmark.Bars.ToArray());
        Assert.Equal(expected.Symbols.Select(s => s.Info), actual.Symbols.Select(s => s.Info));
        Assert.Equal(expected.Symbols.Select(s => s.Bars.ToArray()), actual.Symbols.Select(s => s.Bars.ToArray()));
    }

    /// <summary>A day where AAA always trades, BBB from day 40, CCC on odd days, DDD never; the benchmark every day but every seventh.</summary>
    private static MarketDay Day(int day)
    {
        var date = new DateOnly(2020, 1, 1).AddDays(day);
        var bars = new Dictionary<string, Bar>(StringComparer.Ordinal) { ["AAA"] = Bar(date, 10 + day) };
        if (day >= 40)
        {
            bars["BBB"] = Bar(date, 20 + day);
        }

        if (day % 2 == 1)
        {
            bars["CCC"] = Bar(date, 30 + day);
        }

        return new MarketDay(date, bars, day % 7 == 0 ? null : Bar(date, 300 + day));
    }

    private static Bar Bar(DateOnly date, double close) => new(date, close, close + 1, close - 1, close, 100 * close);
}
