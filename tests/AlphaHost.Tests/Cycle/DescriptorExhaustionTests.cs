using AlphaHost.Abstractions;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Health;
using AlphaHost.Host.Logging;
using AlphaHost.Host.Market;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AlphaHost.Tests.Cycle;

/// <summary>
/// The cycle loop when the process has no free file descriptor (a local client flooding the HTTP port, a leak): a read
/// that fails with EMFILE is retried at the next pass, never the end of the daemon.
/// </summary>
public sealed class DescriptorExhaustionTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Run_BarReadsFailWithTooManyOpenFiles_LoopRetriesDegradedFdExhaustedThenRecoversAndExitsZero()
    {
        var paths = new RuntimePaths(_dir.File("plugins"), _dir.File("runtime"));
        paths.Create();
        Directory.CreateDirectory(paths.PluginsDir);
        using var serilog = new Serilog.LoggerConfiguration().CreateLogger();
        var config = AlphaHostConfig.Default(_dir.File("golden.yaml")) is var c ? c with { Host = c.Host with { CycleInterval = TimeSpan.FromMilliseconds(5) } } : null!;
        var feed = new FeedOutOfDescriptors(failingPasses: 4);
        using var host = DaemonComposition.Build(config, paths, feed, new RunSettings(MaxCycles: 10),
            TimeProvider.System, serilog, new LogFileHealth(), AlphaHost.Host.Daemon.DaemonIdentity.Of(config, paths, TimeProvider.System), new ConfigReloadRequests());
        var status = host.Services.GetRequiredService<HostStatus>();
        feed.Watch(status, config);
        var exit = host.Services.GetRequiredService<DaemonExit>();

        await host.RunAsync().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(0, exit.Code);
        Assert.True(feed.Calls >= 10, $"{feed.Calls} passes read the feed");
        Assert.Contains("fd_exhausted", feed.ReasonsSeenWhileFailing);
        Assert.False(status.FdExhausted);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// No history for the warm-up, no new day at the first pass; then <c>failingPasses</c> passes fail as a bar read does when the process has no
    /// descriptor left (the runtime's IOException carries errno 24), and later passes find no new day.
    /// </summary>
    private sealed class FeedOutOfDescriptors(int failingPasses) : IMarketFeed
    {
        private HostStatus? _status;
        private AlphaHostConfig? _config;

        public int Calls { get; private set; }

        public string ReasonsSeenWhileFailing { get; private set; } = "";

        public string Description => "out of descriptors";

        public IReadOnlyList<SymbolInfo> Universe { get; } = [new("AAA", "A", "Tech")];

        public SymbolInfo Benchmark { get; } = new("SPY", "S&P 500", "Index");

        public IReadOnlyList<DataIssue> LoadIssues => [];

        public DateOnly? LastDay => null;

        public DateOnly? DateOf(int index) => null;

        public void Watch(HostStatus status, AlphaHostConfig config) => (_status, _config) = (status, config);

        public bool TryNextDay(out MarketDay day)
        {
            day = default!;
            Calls++;
            if (Calls > 3 && Calls <= 3 + failingPasses && _status is not null)
            {
                // What the previous failed pass left for the heartbeat.
                var line = HeartbeatLine.Of(DaemonStatus.Of(_status, _config!, TimeProvider.System));
                ReasonsSeenWhileFailing = line.Reasons;
            }

            return Calls >= 3 && Calls < 3 + failingPasses ? throw new IOException("Too many open files : '/data/equities/AAA.csv'", 24) : false;
        }
    }
}
