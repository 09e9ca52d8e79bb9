using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;
using AlphaHost.Host.Cli;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Logging;
using AlphaHost.Host.Market;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Hosting;

namespace AlphaHost.Tests.Backtest;

/// <summary><c>backtest --families all</c> replays what the daemon trades: the same signals, day for day, as a daemon run on the same market.</summary>
public sealed class DaemonReplayTests : IDisposable
{
    private const int Cycles = 4;
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Replay_SampleMarket_CombinedSignalOfEachDayIsWhatTheDaemonWrote()
    {
        // The shipped families, in process, on a small sample market; reversal in shadow mode (computed, left out of the combined
        // signal). Budgets wide enough that a loaded machine cannot make the daemon's first cycles run without a family.
        var path = _dir.Write("golden.yaml", TestConfigs.GoldenBesideRuntime()
            .Replace("plugins_dir: \"\"", $"plugins_dir: \"{TestPaths.ShippedPlugins}\"")
            .Replace("family_isolation: process", "family_isolation: in_process")
            .Replace("cycle_interval: 1s", "cycle_interval: 10ms")
            .Replace("family_timeout: 500ms", "family_timeout: 60s\n  init_timeout: 120s")
            .Replace("enabled: true           # /metrics", "enabled: false           # /metrics")
            .Replace("symbols: 500", "symbols: 60")
            .Replace("    lookback_days: 5\n", "    lookback_days: 5\n    mode: shadow\n"));
        var config = ConfigLoader.Load(path);
        var written = await RunDaemon(config);
        var dates = written.Keys.Order().ToArray();
        Assert.Equal(Cycles, dates.Length);

        var state = Directory.CreateDirectory(_dir.File("replay-state")).FullName;
        await using var session = await OfflineSession.OpenAsync(config, CancellationToken.None, stateRoot: state);
        var families = FamiliesBacktest.Select("all", session.Families, config);
        var history = OfflineSession.LoadHistory(config, null, null, dates[^1]);
        var replay = await new BacktestEngine(families.Select(f => ReplayFamily.From(f, session.Clock)).ToArray(), config, new BacktestOptions())
            .RunAsync(history, new DatePeriod(dates[0], dates[^1]), null, CancellationToken.None);

        Assert.Equal(["momentum", "regime", "reversal"], families.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal(dates, replay.Combined.SignalDays.Select(d => d.Date).ToArray());
        foreach (var day in replay.Combined.SignalDays)
        {
            var daemon = written[day.Date];
            Assert.Equal(daemon.Keys.Order(), day.Signals.Keys.Order());
            Assert.All(day.Signals, s => Assert.Equal(daemon[s.Key].Signal, Math.Round(s.Value, 6)));
        }

        // Each live family's contribution as the daemon wrote it is its weight times the replay's signal of that family.
        foreach (var (family, f) in families.Select((family, f) => (family.Name, f)).Where(x => x.Name != "reversal"))
        {
            var weight = config.Family(family).Weight;
            foreach (var day in replay.Families[f].Run.SignalDays)
            {
                Assert.All(written[day.Date], s => Assert.Equal(s.Value.Contributions[family], Math.Round(weight * day.Signals.GetValueOrDefault(s.Key), 6)));
            }
        }

        Assert.All(written.Values, day => Assert.DoesNotContain("reversal", day.Values.First().Contributions.Keys));
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Runs the daemon in this process for <see cref="Cycles"/> cycles; its signal journal by market date and symbol.</summary>
    private async Task<Dictionary<DateOnly, Dictionary<string, (double Signal, Dictionary<string, double> Contributions)>>> RunDaemon(AlphaHostConfig config)
    {
        var paths = RuntimePaths.From(config);
        paths.Create();
        using var serilog = new Serilog.LoggerConfiguration().CreateLogger();
        using (var host = DaemonComposition.Build(config, paths, MarketFeedFactory.Create(config.Market, config.ConfigDirectory), new RunSettings(Cycles),
            TimeProvider.System, serilog, new LogFileHealth(), DaemonIdentity.Of(config, paths, TimeProvider.System), new ConfigReloadRequests()))
        {
            await host.RunAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }

        var result = new Dictionary<DateOnly, Dictionary<string, (double, Dictionary<string, double>)>>();
        foreach (var file in Directory.GetFiles(paths.SignalsDir, "signals_*.jsonl"))
        {
            foreach (var line in File.ReadLines(file))
            {
                var row = JsonDocument.Parse(line).RootElement;
                var date = DateOnly.Parse(row.GetProperty("market_date").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                var contributions = row.GetProperty("contributions").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
                (result.TryGetValue(date, out var day) ? day : result[date] = new(StringComparer.Ordinal))[row.GetProperty("symbol").GetString()!] =
                    (row.GetProperty("signal").GetDouble(), contributions);
            }
        }

        return result;
    }
}
