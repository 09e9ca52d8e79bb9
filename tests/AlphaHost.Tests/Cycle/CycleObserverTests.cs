using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Families;
using AlphaHost.Host.Health;
using AlphaHost.Host.Http;
using AlphaHost.Host.Logging;
using AlphaHost.Host.Market;
using AlphaHost.Host.Scoring;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Cycle;

/// <summary>What is done with a close's result: the observers the composition root registers, in the order it calls them.</summary>
public sealed class CycleObserverTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 21, 0, 0, TimeSpan.Zero));

    [Fact]
    public void DaemonComposition_Observers_WriteBeforeTheStatusIsToldAndTheMetricsCount()
    {
        using var serilog = new Serilog.LoggerConfiguration().CreateLogger();
        var paths = new RuntimePaths(_dir.File("plugins"), _dir.File("runtime"));
        paths.Create();
        var defaults = AlphaHostConfig.Default(_dir.File("golden.yaml"));
        var config = defaults with { Host = defaults.Host with { Http = defaults.Host.Http with { Enabled = false } } };
        using var host = DaemonComposition.Build(config, paths, new SampleMarket(seed: 7, symbols: 5), new RunSettings(1), _clock, serilog, new LogFileHealth(),
            DaemonIdentity.Of(config, paths, _clock), new ConfigReloadRequests());

        var observers = host.Services.GetServices<ICycleObserver>().Select(o => o.GetType()).ToArray();

        Assert.Equal([typeof(LiveScoreObserver), typeof(PortfolioObserver), typeof(SignalJournalObserver), typeof(SignalFeedObserver), typeof(ShadowJournalObserver),
            typeof(StatusObserver), typeof(MetricsObserver)], observers);
    }

    [Fact]
    public async Task StatusObserver_SignalsCouldNotBeWritten_StatusSaysSoAndTheFeedPublishesNothing()
    {
        var paths = new RuntimePaths(_dir.File("plugins"), _dir.File("runtime"));
        Directory.CreateDirectory(paths.RuntimeDir);
        File.WriteAllText(paths.SignalsDir, "a file where the signals folder should be");

        var (status, feed) = await PublishAsync(paths);

        Assert.True(status.Last!.SignalWriteFailed);
        Assert.Null(feed.Latest);
    }

    [Fact]
    public async Task StatusObserver_SignalsWritten_StatusHasTheDayAndTheFeedItsLatestFile()
    {
        var paths = new RuntimePaths(_dir.File("plugins"), _dir.File("runtime"));
        paths.Create();

        var (status, feed) = await PublishAsync(paths);

        Assert.False(status.Last!.SignalWriteFailed);
        Assert.Equal(30, status.Last.Cycle);
        Assert.Equal(30, feed.Latest!.Cycle);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>One close of one family through the step, then the journal, feed and status observers in the composition root's order.</summary>
    private async Task<(HostStatus Status, SignalFeed Feed)> PublishAsync(RuntimePaths paths)
    {
        var config = Handles.Config("families:\n  steady: {weight: 1}\n");
        var slot = Handles.For(new Moq.Mock<IAlphaFamily>().Object, "steady");
        var step = new CycleStep(new ConstantTurns(slot), SignalCombiner.Weighted);
        var result = await step.RunAsync(new CycleInput(SampleSnapshots.At(30, symbols: 5), null, null), null, config);
        using var writer = new SignalWriter(paths.SignalsDir, _clock);
        var journal = new SignalJournalObserver(writer, paths, NullLogger<CycleService>.Instance);
        var feed = new SignalFeed { Enabled = true };
        var status = new HostStatus(_clock);
        using var scorer = new LiveScorer(null, _clock);
        foreach (var observer in new ICycleObserver[] { journal, new SignalFeedObserver(feed, writer, journal), new StatusObserver(status, scorer, journal) })
        {
            observer.OnCycle(result);
        }

        return (status, feed);
    }

    /// <summary>A family that signals 0.2 on every symbol.</summary>
    private sealed class ConstantTurns(FamilySlot slot) : IFamilyTurns
    {
        public Task<IReadOnlyList<FamilyOutcome>> RunAsync(CycleInput input, AlphaHostConfig config) =>
            Task.FromResult<IReadOnlyList<FamilyOutcome>>(
                [new FamilyOutcome(slot, OutcomeKind.Ok, input.Snapshot.Symbols.ToDictionary(s => s.Symbol, _ => 0.2), 1.0, FamilyHealth.Ok)]);
    }
}
