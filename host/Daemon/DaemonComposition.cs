using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Health;
using AlphaHost.Host.Logging;
using AlphaHost.Host.Market;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace AlphaHost.Host.Daemon;

/// <summary>The daemon's composition root: every service of a run and the order the hosted ones start and stop in.</summary>
internal static class DaemonComposition
{
    public static IHost Build(AlphaHostConfig config, RuntimePaths paths, IMarketFeed feed, RunSettings run, TimeProvider clock, Serilog.ILogger logger,
        LogFileHealth logHealth, DaemonIdentity identity, ConfigReloadRequests reloads)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "alphahost" });
        builder.Services.AddSystemd();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = config.Host.ShutdownTimeout);
        builder.Services.AddSerilog(logger, dispose: false);
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton(logHealth);
        builder.Services.AddSingleton(paths);
        builder.Services.AddSingleton(run);
        builder.Services.AddSingleton(feed);
        builder.Services.AddSingleton(s => new ConfigStore(config, s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ConfigStore>>(), paths));
        // The history lives in the market image the workers map, and nowhere else (docs/performance.md, "Cost of process isolation").
        builder.Services.AddSingleton(s => new Workers.MarketImage(paths.MarketDir, s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Workers.MarketImage>>()));
        builder.Services.AddSingleton(s => new MarketState(feed.Universe, feed.Benchmark, config.Market.MaxHistoryDays, s.GetRequiredService<Workers.MarketImage>()));
        builder.Services.AddSingleton<Serilog.ILogger>(logger);
        builder.Services.AddSingleton<Families.FamilySupervisor>();
        builder.Services.AddSingleton<HostStatus>();
        builder.Services.AddSingleton(s => new Scoring.LiveScorer(paths.StateDir, clock, s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Scoring.LiveScorer>>()));
        builder.Services.AddSingleton(_ => new ShadowJournal(paths.SignalsDir, clock));
        builder.Services.AddSingleton<DaemonExit>();
        builder.Services.AddSingleton<Http.SignalFeed>();
        builder.Services.AddSingleton<Observability.AlphaHostMetrics>();
        builder.Services.AddSingleton(s => new Alerts.AlertDispatcher(
            s.GetRequiredService<ConfigStore>(), clock, s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Alerts.AlertDispatcher>>()));
        builder.Services.AddSingleton(s =>
        {
            var store = s.GetRequiredService<ConfigStore>();
            return new SignalWriter(paths.SignalsDir, clock, s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SignalWriter>>(), () => store.Current.Host.SignalJournal);
        });

        builder.Services.AddSingleton(identity);
        builder.Services.AddSingleton(reloads);
        AddCycle(builder.Services);

        // Hosted services stop in reverse order: the cycle loop stops first, then the state-change watcher (no record follows
        // the final heartbeat), then the heartbeat writes its final line, then the HTTP endpoint closes, then daemon.json says stopped.
        builder.Services.AddHostedService<DaemonFileService>();
        builder.Services.AddSingleton<Http.HttpEndpointService>();
        builder.Services.AddHostedService(s => s.GetRequiredService<Http.HttpEndpointService>());
        builder.Services.AddHostedService(s => s.GetRequiredService<Alerts.AlertDispatcher>());
        builder.Services.AddHostedService<Alerts.AlertWatcher>();
        builder.Services.AddHostedService<HeartbeatService>();
        builder.Services.AddHostedService<StateChangeWatcher>();
        builder.Services.AddHostedService<CycleService>();
        return builder.Build();
    }

    /// <summary>
    /// The cycle: the config reloader, the step (the families' supervised turns, then the combiner) and its observers, called
    /// in the order registered here: live scores, the target book, signal journal and latest.json, the SSE feed, shadow journal, status, metrics.
    /// </summary>
    private static void AddCycle(IServiceCollection services)
    {
        services.AddSingleton(s => new ConfigReloader(s.GetRequiredService<ConfigStore>(), s.GetRequiredService<Families.FamilySupervisor>(),
            s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<CycleService>>()));
        services.AddSingleton<FamilyRunner>();
        services.AddSingleton<SupervisedTurns>();
        services.AddSingleton<ISignalCombiner>(SignalCombiner.Weighted);
        services.AddSingleton<Combining.IFamilyWeights>(s => Combining.DaemonWeights.Open(s.GetRequiredService<RuntimePaths>().CombinerFile, s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Combining.LearnedWeights>>()));
        services.AddSingleton(s => new CycleStep(s.GetRequiredService<SupervisedTurns>(), s.GetRequiredService<ISignalCombiner>(), s.GetRequiredService<Combining.IFamilyWeights>()));
        services.AddSingleton<SignalJournalObserver>();
        services.AddSingleton<ICycleObserver, LiveScoreObserver>();
        services.AddSingleton<ICycleObserver, PortfolioObserver>();
        services.AddSingleton<ICycleObserver>(s => s.GetRequiredService<SignalJournalObserver>());
        services.AddSingleton<ICycleObserver, SignalFeedObserver>();
        services.AddSingleton<ICycleObserver, ShadowJournalObserver>();
        services.AddSingleton<ICycleObserver, StatusObserver>();
        services.AddSingleton<ICycleObserver, MetricsObserver>();
        services.AddSingleton<CycleMarket>();
        services.AddSingleton<CycleStart>();
        services.AddSingleton<CyclePass>();
        services.AddSingleton<CyclePacer>();
    }
}
