using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Families;
using AlphaHost.Host.Logging;
using AlphaHost.Host.Market;
using AlphaHost.Host.Plugins;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace AlphaHost.Host.Cli;

/// <summary>
/// What an offline command (train, audit, backtest) needs: the config, the installed families started through the
/// family lifecycle with in-process endpoints and initialized with their sections (so a family's own settings apply),
/// and a logger that prints warnings and errors on stderr. A command that only needs the families' declarations
/// (name, feature flag, instances) opens it without starting any.
/// </summary>
internal sealed class OfflineSession : IAsyncDisposable
{
    private readonly Serilog.Core.Logger _logger;
    private readonly SerilogLoggerFactory _loggerFactory;
    private readonly FamilySupervisor _families;

    private OfflineSession(AlphaHostConfig config, RuntimePaths paths, FamilySupervisor families, TimeProvider clock, Serilog.Core.Logger logger, SerilogLoggerFactory loggerFactory)
    {
        Config = config;
        Clock = clock;
        Paths = paths;
        _families = families;
        _logger = logger;
        _loggerFactory = loggerFactory;
    }

    public AlphaHostConfig Config { get; }

    public RuntimePaths Paths { get; }

    /// <summary>Every configured instance of every installed family the session declares (started or not).</summary>
    public IReadOnlyList<FamilySlot> Declared => _families.Slots;

    /// <summary>The families that started, each with the family object its in-process endpoint serves.</summary>
    public IReadOnlyList<FamilyHandle> Families =>
        [.. _families.Slots.Where(s => s.Endpoint is InProcessEndpoint).Select(s => new FamilyHandle(s, ((InProcessEndpoint)s.Endpoint!).Family))];

    /// <summary>The offline command's clock: the families', the journals' and the reports' times.</summary>
    public TimeProvider Clock { get; }

    /// <param name="config">The configuration.</param>
    /// <param name="cancellationToken">Cancels loading.</param>
    /// <param name="stateRoot">Families' state folders go here instead of <c>runtime/state</c> (a backtest must not touch live state).</param>
    /// <param name="capability">The interface the command needs (e.g. <see cref="IFeatureSource"/>): only the families
    /// declaring it are started. Null starts every installed family.</param>
    /// <param name="start">False reads the families' declarations only: nothing is loaded or started.</param>
    public static async Task<OfflineSession> OpenAsync(AlphaHostConfig config, CancellationToken cancellationToken, string? stateRoot = null, Type? capability = null,
        bool start = true)
    {
        var paths = RuntimePaths.From(config);
        // An offline command's one clock, as the daemon's is made in RunCommand.
        var clock = TimeProvider.System;
        var logger = new LoggerConfiguration()
            .MinimumLevel.Warning()
            .Enrich.FromLogContext()
            .Enrich.With<ComponentEnricher>()
            .WriteTo.Sink(new ThrottledConsoleSink(Console.Error, clock, LoggingSetup.ConsoleWindow))
            .CreateLogger();
        var factory = new SerilogLoggerFactory(logger);
        var families = new FamilySupervisor(logger, clock, factory.CreateLogger<FamilySupervisor>(), new InProcessStarter(factory, clock),
            new OfflineLifecycle(capability, config.Host.InitTimeout));
        var session = new OfflineSession(config, paths, families, clock, logger, factory);
        if (!start)
        {
            families.Declare(paths.PluginsDir, config);
            return session;
        }

        var state = stateRoot ?? paths.StateDir;
        Directory.CreateDirectory(state);
        try
        {
            families.Refresh(paths.PluginsDir, state, config);
            // Each start ends within host.init_timeout (an in-process endpoint gives up then); the margin lets the last one report.
            await families.WaitForStartsAsync(config.Host.InitTimeout + TimeSpan.FromSeconds(1), config).WaitAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch (OperationCanceledException)
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts one declared instance of a session opened without starting (a command that needs that family's code, e.g.
    /// to read its governance): its family, or null when it could not start (the reason is on stderr).
    /// </summary>
    public async Task<IAlphaFamily?> StartAsync(FamilySlot slot, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Paths.StateDir);
        await _families.StartAsync(slot, Paths.StateDir, Config.Host.InitTimeout + TimeSpan.FromSeconds(1), Config).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (slot.Endpoint as InProcessEndpoint)?.Family;
    }

    /// <summary>Hands the families a changed config (e.g. another <c>models_dir</c>): null when applied, else the first refusal (and the others undone).</summary>
    public Task<string?> ApplyConfigAsync(AlphaHostConfig candidate) => _families.ApplyConfigAsync(candidate);

    /// <summary>
    /// The named family instance with capability <typeparamref name="T"/>, or without a name the one installed family that
    /// has it (its own instance, not a configured <c>family:</c> instance); else a usage error.
    /// </summary>
    public (string Name, T Family) Capable<T>(string? family, string what)
        where T : class
    {
        var capable = Families.Where(f => f.Family is T).ToList();
        if (family is not null)
        {
            var named = capable.FirstOrDefault(f => f.Name == family)
                ?? throw new UsageException($"family '{family}' is not installed or configured, or cannot {what} (installed that can: {Names(capable)})");
            return (named.Name, (T)named.Family);
        }

        var own = capable.Where(f => f.IsOwnInstance).ToList();
        return own.Count switch
        {
            0 => throw new UsageException($"no installed family can {what}; plugins folder {Paths.PluginsDir} holds: {Installed()}"),
            1 => (own[0].Name, (T)own[0].Family),
            _ => throw new UsageException($"several families can {what} ({Names(own)}); choose one with --family"),
        };
    }

    /// <summary>
    /// The market history of <c>--data</c> (a bar folder) or of the config's market. The data problems found (bad rows,
    /// files not read, universe rows without a file) are printed on stderr, at most <see cref="IssuesShown"/> of them.
    /// </summary>
    /// <param name="config">The configuration.</param>
    /// <param name="dataDir">The <c>--data</c> folder, or null for the config's market.</param>
    /// <param name="start">First date kept, or null.</param>
    /// <param name="end">Last date kept, or null.</param>
    /// <param name="needed">For a command that wants a few symbols: which symbols' files to read, given the folder's
    /// universe (the family's <see cref="IFeatureSource.Inputs"/>). Null reads every file.</param>
    public static MarketHistory LoadHistory(AlphaHostConfig config, string? dataDir, DateOnly? start, DateOnly? end,
        Func<IReadOnlyList<SymbolInfo>, IReadOnlyCollection<string>>? needed = null)
    {
        try
        {
            var market = Market(config, dataDir);
            var only = market.Source == "bars" && needed is not null
                ? needed(BarFolderFeed.ReadUniverse(Path.GetFullPath(market.DataDir, config.ConfigDirectory))).ToHashSet(StringComparer.Ordinal)
                : null;
            var feed = MarketFeedFactory.Create(market, config.ConfigDirectory, only);
            var (history, issues) = MarketHistoryLoader.Load(feed, start, end, endless: market.Source != "bars");
            Report(issues);
            return history.Symbols.Count == 0 && needed is null
                ? throw new UsageException($"{feed.Description}: no symbol has a valid bar{(start is null && end is null ? "" : " in the asked period")}")
                : history;
        }
        catch (InvalidDataException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    /// <summary>Data problems printed by an offline command; the rest are counted.</summary>
    public const int IssuesShown = 20;

    private static void Report(IReadOnlyList<DataIssue> issues)
    {
        foreach (var issue in issues.Take(IssuesShown))
        {
            Console.Error.WriteLine($"data: {issue.Symbol}: {issue.Problem}");
        }

        if (issues.Count > IssuesShown)
        {
            Console.Error.WriteLine($"data: {issues.Count - IssuesShown} more problem(s) not shown ({issues.Count} in all)");
        }
    }

    /// <summary>The first day after <paramref name="date"/> with bars, or null when the data ends before it.</summary>
    public static DateOnly? FirstTradingDayAfter(AlphaHostConfig config, string? dataDir, DateOnly date)
    {
        try
        {
            var market = Market(config, dataDir);
            return MarketHistoryLoader.FirstDayAfter(MarketFeedFactory.Create(market, config.ConfigDirectory), date);
        }
        catch (InvalidDataException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _families.DisposeAsync().ConfigureAwait(false);
        _loggerFactory.Dispose();
        await _logger.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The config's market, or the bar folder given with <c>--data</c>.</summary>
    private static MarketOptions Market(AlphaHostConfig config, string? dataDir) =>
        dataDir is null ? config.Market : config.Market with { Source = "bars", DataDir = Path.GetFullPath(dataDir) };

    /// <summary>Every family the plugins folder exports (read from the assemblies' metadata: none of them is started).</summary>
    private string Installed()
    {
        var names = PluginManifest.Inspect(Paths.PluginsDir).SelectMany(p => p.Exports).Select(e => e.Name).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    private static string Names(IReadOnlyList<FamilyHandle> families) => families.Count == 0 ? "none" : string.Join(", ", families.Select(f => f.Name));
}

/// <summary>Bad usage or bad input: the command prints the message in one line and exits 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>A check failed (e.g. a change that could not be made to stick): the command prints the message in one line and exits 1.</summary>
internal sealed class CheckFailedException(string message) : Exception(message);
