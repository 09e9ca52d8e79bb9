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

public sealed class CycleLoopFaultTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Run_ExceptionEscapesTheCycleLoop_StopsTheDaemonWithExitCode70()
    {
        var paths = new RuntimePaths(_dir.File("plugins"), _dir.File("runtime"));
        paths.Create();
        Directory.CreateDirectory(paths.PluginsDir);
        using var serilog = new Serilog.LoggerConfiguration().CreateLogger();
        var config = AlphaHostConfig.Default(_dir.File("golden.yaml"));
        using var host = DaemonComposition.Build(config, paths, new FeedThatBreaks(), new RunSettings(null),
            TimeProvider.System, serilog, new LogFileHealth(), AlphaHost.Host.Daemon.DaemonIdentity.Of(config, paths, TimeProvider.System), new ConfigReloadRequests());
        var exit = host.Services.GetRequiredService<DaemonExit>();

        await host.RunAsync().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(DaemonExit.LoopFaulted, exit.Code);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Has no history for the warm-up, then fails the way a bug in a feed would: not an I/O error anyone handles.</summary>
    private sealed class FeedThatBreaks : IMarketFeed
    {
        private int _calls;

        public string Description => "broken";

        public IReadOnlyList<SymbolInfo> Universe { get; } = [new("AAA", "A", "Tech")];

        public SymbolInfo Benchmark { get; } = new("SPY", "S&P 500", "Index");

        public IReadOnlyList<DataIssue> LoadIssues => [];

        public DateOnly? LastDay => null;

        public DateOnly? DateOf(int index) => null;

        public bool TryNextDay(out MarketDay day)
        {
            day = default!;
            return _calls++ == 0 ? false : throw new InvalidOperationException("feed bug");
        }
    }
}
