using System.Diagnostics;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Families;
using AlphaHost.Host.Health;
using AlphaHost.Host.Market;
using AlphaHost.Host.Market.Calendars;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// The daemon's market, as the loop takes it: the feed's next trading day into <see cref="MarketState"/> and its
/// snapshot (the first stage of a cycle), or the wait for one (<see cref="DataWatch"/>); the market image the workers map;
/// the data problems and the feed's waits, logged.
/// </summary>
internal sealed class CycleMarket(IMarketFeed feed, MarketState market, Workers.MarketImage image, TimeProvider clock, ILogger<CycleService> logger) : IDisposable
{
    private readonly DataWatch _data = new(clock);

    /// <summary>The feed's description, for the start-up line.</summary>
    public string Description => feed.Description;

    /// <summary>The feed already holds the next day (history), as opposed to waiting for new data.</summary>
    public bool HoldsNextDay => feed.HoldsNextDay;

    /// <summary>The market date of the last day taken.</summary>
    public DateOnly? CurrentDate => market.CurrentDate;

    /// <summary>Logs the problems the feed found while loading.</summary>
    public void ReportLoadIssues() => ReportIssues(feed.LoadIssues, "while loading");

    /// <summary>Takes the days of history up to the first cycle.</summary>
    /// <returns>The trading days taken.</returns>
    public int WarmUp(RunSettings run, AlphaHostConfig current)
    {
        var warmed = 0;
        var rejected = new List<DataIssue>();
        while ((run.From is { } from ? feed.DateOf(warmed) < from : warmed < current.Market.WarmupDays) && feed.TryNextDay(out var day))
        {
            rejected.AddRange(market.Append(day).Rejected);
            warmed++;
        }

        ReportIssues(rejected, "during warm-up");
        return warmed;
    }

    /// <summary>The next trading day as cycle <paramref name="cycle"/>'s input, or null when the feed has none yet.</summary>
    public CycleDay? TryNextDay(long cycle, AlphaHostConfig current)
    {
        var hasDay = feed.TryNextDay(out var day);
        ReportIssues(feed.TakeIssues(), "in newly arrived data");
        if (!hasDay)
        {
            return null;
        }

        var (arrival, waited) = _data.DayArrived();
        LogDataChange(arrival, waited, day.Date, current.Market);
        var started = Stopwatch.GetTimestamp();
        var previousDate = market.CurrentDate;
        var report = market.Append(day, current.Market.StaleRepeatedBars);
        ReportIssues(report.Rejected, $"on {day.Date:yyyy-MM-dd}");
        return new CycleDay(new CycleInput(market.Snapshot(cycle), market, previousDate, image), report, started);
    }

    /// <summary>A pass without a new day: the feed's data state now, and its change logged after <paramref name="publish"/> told the status.</summary>
    public void NoNewDay(AlphaHostConfig current, Action<DataState, DateOnly?> publish)
    {
        var (change, after) = _data.NoNewDay(ExchangeCalendars.Named(current.Market.Calendar), market.CurrentDate, current.Market.MaxDataDelay);
        publish(_data.State!.Value, market.CurrentDate);
        LogDataChange(change, after, market.CurrentDate, current.Market);
    }

    public void Dispose() => image.Dispose();

    /// <summary>A normal wait and its end are INFO; only an overdue feed warns, once, and once more when it recovers.</summary>
    private void LogDataChange(DataChange change, TimeSpan after, DateOnly? date, MarketOptions options)
    {
        var maxDelay = options.MaxDataDelay;
        var next = date is { } last ? DataSchedule.Next(ExchangeCalendars.Named(options.Calendar), last, maxDelay) : null;
        switch (change)
        {
            case DataChange.CaughtUp:
                logger.LogInformation("Caught up with the feed at {Date}: waiting for the next trading day {Next}, due {Due}, overdue after {OverdueAt} (market.calendar {Calendar}, market.max_data_delay {MaxDelay})",
                    date, next!.Session, Utc(next.Due), Utc(next.OverdueAt), options.Calendar, DurationText.Format(maxDelay));
                break;
            case DataChange.Resumed:
                logger.LogInformation("Market data: {Date} arrived after waiting {Waited}", date, DurationText.Format(after));
                break;
            case DataChange.BecameOverdue when date is null:
                logger.LogWarning("Market data overdue: the feed {Feed} has delivered no trading day at all; no signals are emitted until it does", feed.Description);
                break;
            case DataChange.BecameOverdue:
                logger.LogWarning("Market data overdue: no trading day after {Date} from the feed {Feed}; {Next} was due by {OverdueAt} (its close {Due} on market.calendar {Calendar} + market.max_data_delay {MaxDelay}); no signals are emitted until it arrives",
                    date, feed.Description, next!.Session, Utc(next.OverdueAt), Utc(next.Due), options.Calendar, DurationText.Format(maxDelay));
                break;
            case DataChange.Recovered when _data.State == DataState.Replaying:
                logger.LogWarning("Market data recovered: {Date} arrived after {Overdue} overdue", date, DurationText.Format(after));
                break;
            case DataChange.Recovered:
                logger.LogWarning("Market data no longer overdue after {Overdue}: market.max_data_delay {MaxDelay} gives the trading day after {Date} until {OverdueAt}",
                    DurationText.Format(after), DurationText.Format(maxDelay), date, Utc(next!.OverdueAt));
                break;
        }
    }

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private void ReportIssues(IReadOnlyList<DataIssue> issues, string when)
    {
        foreach (var group in issues.GroupBy(i => i.Symbol))
        {
            var first = group.Take(3).Select(i => i.Problem);
            logger.LogWarning("Market data {Symbol}: {Count} problem(s) {When}, bad rows rejected: {Problems}", group.Key, group.Count(), when, string.Join("; ", first));
        }
    }
}

/// <summary>A trading day taken for a cycle: the families' input, what the market made of its bars, and when it was taken.</summary>
/// <param name="Input">The cycle's snapshot, market and image.</param>
/// <param name="Report">Fresh, stale and rejected bars of the day.</param>
/// <param name="StartedAt">When it was taken (<see cref="Stopwatch.GetTimestamp"/>): the cycle's time counts from here.</param>
internal sealed record CycleDay(CycleInput Input, DayReport Report, long StartedAt);
