using AlphaHost.Abstractions;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Logging;
using AlphaHost.Host.Market;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Cycle;

/// <summary>The cycle loop's pace, driven on a fake clock: an idle daemon polls at a floor, a fast catch-up does not pause.</summary>
public sealed class CyclePacingTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly Serilog.Core.Logger _serilog = new Serilog.LoggerConfiguration().CreateLogger();

    [Fact]
    public async Task Loop_CaughtUpWithZeroCycleInterval_PollsAFewTimesInTenSecondsInsteadOfSpinning()
    {
        var feed = new CountingFeed(days: 0);
        using var host = Build(feed, TimeSpan.Zero, CatchUpMode.Paced);
        await host.StartAsync();
        await Poll.UntilAsync(() => feed.Calls >= 1);

        // Ten seconds on the daemon's clock, a tenth at a time; a spinning loop polls thousands of times meanwhile.
        for (var step = 0; step < 100; step++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(2);
        }

        var polls = feed.Calls;

        // It still polls: the clock moving on brings the next one.
        await Poll.UntilAsync(() =>
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            return feed.Calls > polls;
        });
        await host.StopAsync();

        Assert.True(polls <= 25, $"{polls} idle polls in 10 s of the daemon's clock with cycle_interval 0s");
    }

    [Fact]
    public async Task Loop_FastCatchUp_ReplaysHeldDaysWithoutPause_ThenWaitsTheCycleInterval()
    {
        var feed = new CountingFeed(days: 50);
        using var host = Build(feed, TimeSpan.FromHours(1), CatchUpMode.Fast);
        await host.StartAsync();

        // The clock never moves: every held day is replayed anyway, one idle poll finds the feed caught up, and then the
        // loop waits its hour.
        await Poll.UntilAsync(() => feed.Calls >= 51);
        await Task.Delay(200);
        var calls = feed.Calls;
        await host.StopAsync();

        Assert.Equal(50, feed.Delivered);
        Assert.Equal(51, calls);
    }

    [Fact]
    public async Task Loop_PacedCatchUp_WaitsTheCycleIntervalBetweenHeldDays()
    {
        var feed = new CountingFeed(days: 50);
        using var host = Build(feed, TimeSpan.FromHours(1), CatchUpMode.Paced);
        await host.StartAsync();

        await Poll.UntilAsync(() => feed.Delivered >= 1);

        // The daemon's clock moves a minute at a time until the second day comes: not before the hour is up.
        var waited = TimeSpan.Zero;
        await Poll.UntilAsync(() =>
        {
            if (feed.Delivered >= 2)
            {
                return true;
            }

            _clock.Advance(TimeSpan.FromMinutes(1));
            waited += TimeSpan.FromMinutes(1);
            return false;
        });
        await host.StopAsync();

        Assert.True(waited >= TimeSpan.FromMinutes(59), $"the second held day came after {waited} with cycle_interval 1h");
    }

    public void Dispose()
    {
        _serilog.Dispose();
        _dir.Dispose();
    }

    private IHost Build(IMarketFeed feed, TimeSpan cycleInterval, CatchUpMode catchUp)
    {
        var paths = new RuntimePaths(_dir.File("plugins"), _dir.File("runtime"));
        paths.Create();
        Directory.CreateDirectory(paths.PluginsDir);
        var defaults = AlphaHostConfig.Default(_dir.File("golden.yaml"));
        var config = defaults with
        {
            Host = defaults.Host with { CycleInterval = cycleInterval, Http = defaults.Host.Http with { Enabled = false } },
            Market = defaults.Market with { WarmupDays = 0, CatchUp = catchUp },
        };
        return DaemonComposition.Build(config, paths, feed, new RunSettings(null), _clock, _serilog, new LogFileHealth(),
            AlphaHost.Host.Daemon.DaemonIdentity.Of(config, paths, _clock), new ConfigReloadRequests());
    }

    /// <summary>Holds <c>days</c> trading days of one symbol, then none; counts the loop's asks.</summary>
    private sealed class CountingFeed(int days) : IMarketFeed
    {
        private static readonly DateOnly First = new(2020, 1, 1);
        private int _calls;
        private int _delivered;

        public int Calls => Volatile.Read(ref _calls);

        public int Delivered => Volatile.Read(ref _delivered);

        public string Description => "counting";

        public IReadOnlyList<SymbolInfo> Universe { get; } = [new("AAA", "A", "Tech")];

        public SymbolInfo Benchmark { get; } = new("SPY", "S&P 500", "Index");

        public IReadOnlyList<DataIssue> LoadIssues => [];

        public bool HoldsNextDay => Delivered < days;

        public DateOnly? LastDay => days > 0 ? First.AddDays(days - 1) : null;

        public DateOnly? DateOf(int index) => index >= 0 && index < days ? First.AddDays(index) : null;

        public bool TryNextDay(out MarketDay day)
        {
            Interlocked.Increment(ref _calls);
            if (!HoldsNextDay)
            {
                day = default!;
                return false;
            }

            var date = First.AddDays(Interlocked.Increment(ref _delivered) - 1);
            var bar = new Bar(date, 10, 11, 9, 10, 1000);
            day = new MarketDay(date, new Dictionary<string, Bar>(StringComparer.Ordinal) { ["AAA"] = bar }, bar);
            return true;
        }
    }
}
