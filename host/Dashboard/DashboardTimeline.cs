using System.Globalization;
using System.Text.Json.Nodes;

namespace AlphaHost.Host.Dashboard;

/// <summary>
/// The daemon's <c>state</c> and <c>ml_state</c> at one instant, read from a host record: a heartbeat, or a state-change
/// record (<see cref="Health.StateChangeWatcher"/>) written when either changed.
/// </summary>
/// <param name="RunStart">The first record of a daemon run: no line joins it to what came before.</param>
internal sealed record StateSample(DateTimeOffset At, string? State, string? MlState, bool RunStart = false);

/// <summary>A stretch of time over which one value held, from its first sample until the next change (or the run's last sample).</summary>
internal sealed record StateSegment(DateTimeOffset From, DateTimeOffset To, string Value);

/// <summary>
/// The state and ml_state timelines as step functions over every sample, each at its own time: the state-change records
/// put each change where it happened (a 13-second disable between two heartbeats is a 13-second dip), the heartbeats fill
/// in where the logs hold no such record (logs of older versions, a stall only the heartbeat sees). Samples further apart
/// than the gap limit, or with a daemon start between them, are not joined.
/// </summary>
internal static class DashboardTimeline
{
    /// <summary>Segments per timeline at most (the newest are kept): a state that flips every cycle stays drawable.</summary>
    public const int MaxSegments = 2400;

    /// <summary>The <c>state</c> and <c>ml_state</c> timelines: arrays of <c>{from, to, value}</c>, oldest first.</summary>
    public static JsonObject Build(IReadOnlyList<StateSample> samples, IReadOnlyList<DateTimeOffset> starts, TimeSpan gapLimit)
    {
        var ordered = samples.OrderBy(s => s.At).ToArray();
        var runs = ordered.Select((s, i) => s with { RunStart = i > 0 && (s.RunStart || s.At - ordered[i - 1].At > gapLimit || Restarted(ordered[i - 1], s, starts)) }).ToArray();
        return new JsonObject
        {
            ["state"] = Json(Steps(runs, s => s.State)),
            ["ml_state"] = Json(Steps(runs, s => s.MlState)),
        };
    }

    /// <summary>One value's step function: equal neighbours merge, a change closes the segment at the changing sample's time.</summary>
    public static IReadOnlyList<StateSegment> Steps(IEnumerable<StateSample> ordered, Func<StateSample, string?> value)
    {
        var segments = new List<StateSegment>();
        StateSegment? open = null;
        foreach (var sample in ordered)
        {
            if (value(sample) is not { } current)
            {
                continue;
            }

            if (open is not null && !sample.RunStart)
            {
                open = open with { To = sample.At };
                if (open.Value == current)
                {
                    continue;
                }
            }

            if (open is not null)
            {
                segments.Add(open);
            }

            open = new StateSegment(sample.At, sample.At, current);
        }

        if (open is not null)
        {
            segments.Add(open);
        }

        return [.. segments.TakeLast(MaxSegments)];
    }

    /// <summary>
    /// A daemon start between two samples, unless the first is already the new run's first state-change record (logged as
    /// the watcher starts, a moment before the start record).
    /// </summary>
    private static bool Restarted(StateSample before, StateSample after, IReadOnlyList<DateTimeOffset> starts) =>
        !before.RunStart && starts.Any(t => t > before.At && t <= after.At);

    private static JsonArray Json(IReadOnlyList<StateSegment> segments) =>
        new([.. segments.Select(s => new JsonObject { ["from"] = Text(s.From), ["to"] = Text(s.To), ["value"] = s.Value })]);

    private static string Text(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
