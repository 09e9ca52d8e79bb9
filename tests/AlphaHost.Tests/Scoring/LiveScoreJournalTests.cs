using AlphaHost.Abstractions;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Internal;
using AlphaHost.Host.Scoring;
using AlphaHost.Storage;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Logging;
using Moq;

namespace AlphaHost.Tests.Scoring;

/// <summary><c>live_scores.jsonl</c>: the daily scores a restart reads back, the horizon score, the torn line, the retention.</summary>
public sealed class LiveScoreJournalTests : IDisposable
{
    private const string Family = "reversal_like";
    private readonly TempDir _dir = new();

    private string State => _dir.File("state");

    [Fact]
    public void Restart_ScorerReadsItsJournal_SameRollingFiguresAsAnUninterruptedScorer()
    {
        using var uninterrupted = new LiveScorer(null, TimeProvider.System);
        var replay = new SampleReplay(300);
        var stopped = new LiveScorer(State, TimeProvider.System);
        LiveScorer? restarted = null;
        for (var day = 0; day < 90; day++)
        {
            var snapshot = replay.Next();
            var outcomes = new[] { Outcome(Family, Reversal(snapshot), "set-a") };
            var combined = SignalCombiner.Combine(snapshot, outcomes);
            uninterrupted.Observe(snapshot, outcomes, combined);
            if (day == 50)
            {
                // The daemon stops after its cycle of this day and starts again on the same day's data.
                stopped.Observe(snapshot, outcomes, combined);
                stopped.Dispose();
                restarted = new LiveScorer(State, TimeProvider.System);
            }

            (restarted ?? stopped).Observe(snapshot, outcomes, combined);
        }

        using (restarted)
        {
            var expected = uninterrupted.Scores().Select(s => (s.Family, s.Days, s.RankIc20, s.RankIc60, s.HitRate20, s.HitRate60)).ToArray();
            var actual = restarted!.Scores().Select(s => (s.Family, s.Days, s.RankIc20, s.RankIc60, s.HitRate20, s.HitRate60)).ToArray();
            Assert.Equal(expected, actual);
            Assert.Equal(60, actual[0].Days);
        }

        var lines = LiveScoreJournal.Open(State, Family).Read();
        Assert.Equal(89, lines.Count);
        Assert.All(lines, l => Assert.Equal("set-a", l.ModelVersion));
        Assert.True(File.Exists(Path.Combine(State, "_combined", LiveScoreJournal.FileName)));
    }

    [Fact]
    public void Restart_ReplayStartsAgainBeforeTheLastScoredDay_DaysAlreadyScoredAreNotCountedTwice()
    {
        using var uninterrupted = new LiveScorer(null, TimeProvider.System);
        var first = new SampleReplay(300);
        var again = new SampleReplay(300);
        using (var stopped = new LiveScorer(State, TimeProvider.System))
        {
            for (var day = 0; day <= 50; day++)
            {
                Observe([stopped, uninterrupted], first.Next());
            }
        }

        using var restarted = new LiveScorer(State, TimeProvider.System);
        for (var day = 0; day < 90; day++)
        {
            var snapshot = again.Next();
            if (day > 50)
            {
                Observe([uninterrupted], snapshot);
            }

            // The replay starts again ten days before the day the daemon stopped at.
            if (day >= 40)
            {
                Observe([restarted], snapshot);
            }
        }

        Assert.Equal(uninterrupted.Scores(), restarted.Scores());
        var dates = LiveScoreJournal.Open(State, Family).Read().Select(l => l.Date).ToArray();
        Assert.Equal(89, dates.Length);
        Assert.Equal(dates.Order(), dates);
    }

    [Fact]
    public void Observe_SampleMarket_HorizonRankIcEqualsAnOfflineComputationOfTheFiveDayReturns()
    {
        const int days = 70;
        var h = LiveScorer.HorizonDays;
        using var scorer = new LiveScorer(State, TimeProvider.System);
        var replay = new SampleReplay(300);
        var signals = new List<Dictionary<string, double>>();
        var closes = new List<Dictionary<string, double>>();
        for (var day = 0; day < days; day++)
        {
            var snapshot = replay.Next();
            var family = Reversal(snapshot);
            signals.Add(family);
            closes.Add(snapshot.Symbols.ToDictionary(s => s.Symbol, s => s.Last.Close));
            var outcomes = new[] { Outcome(Family, family, "set-a") };
            scorer.Observe(snapshot, outcomes, SignalCombiner.Combine(snapshot, outcomes));
        }

        var offline = Enumerable.Range(h, days - h).Select(d => RankIcOfReturns(signals[d - h], closes[d - h], closes[d])).ToArray();
        var live = scorer.Scores().Single(s => s.Family == Family);
        Assert.Equal(h, live.HorizonDays);
        Assert.Equal(offline.TakeLast(20).Average(), live.HorizonRankIc20!.Value, 12);
        Assert.Equal(offline.TakeLast(60).Average(), live.HorizonRankIc60!.Value, 12);

        var lines = LiveScoreJournal.Open(State, Family).Read();
        Assert.All(lines.Take(h - 1), l => Assert.Null(l.HorizonRankIc));
        Assert.Equal(offline, lines.Skip(h - 1).Select(l => l.HorizonRankIc!.Value), new Tolerance(12));
        Assert.Equal(lines[^h].SignalDate, lines[^1].HorizonSignalDate);
    }

    [Fact]
    public void Observe_GovernanceDisabledDay_JournalLineRecordsTheTripTheErrorsAndIsNotScored()
    {
        using var scorer = new LiveScorer(State, TimeProvider.System);
        var replay = new SampleReplay(300);
        for (var day = 0; day < 4; day++)
        {
            var snapshot = replay.Next();
            var outcome = day == 2
                ? new FamilyOutcome(Handles.For(Mock.Of<IAlphaFamily>(), Family), OutcomeKind.Ok, new Dictionary<string, double>(), 1.0, new FamilyHealth(FamilyState.DisabledGovernance, 7))
                : Outcome(Family, Reversal(snapshot), "set-a", errors: day < 2 ? 1 : 7);
            scorer.Observe(snapshot, [outcome], SignalCombiner.Combine(snapshot, [outcome]));
        }

        var lines = LiveScoreJournal.Open(State, Family).Read();
        Assert.Equal([false, false, true], lines.Select(l => l.GovernanceTripped));
        Assert.Equal([1L, 1, 7], lines.Select(l => l.ModelErrors));
        Assert.Equal([true, true, false], lines.Select(l => l.Scored));
        Assert.Null(lines[2].ModelVersion);
        Assert.Equal(2, scorer.Scores().Single(s => s.Family == Family).Days);
    }

    [Fact]
    public void Observe_StateFolderCannotBeWritten_LogsTheFileAndKeepsScoringInMemory()
    {
        File.WriteAllText(State, "a file where the state folder should be");
        var logger = new CapturingLogger();
        using var scorer = new LiveScorer(State, TimeProvider.System, logger);
        var replay = new SampleReplay(300);
        for (var day = 0; day < 4; day++)
        {
            var snapshot = replay.Next();
            var outcome = Outcome(Family, Reversal(snapshot), "set-a");
            scorer.Observe(snapshot, [outcome], SignalCombiner.Combine(snapshot, [outcome]));
        }

        Assert.Equal(3, scorer.Scores().Single(s => s.Family == Family).Days);
        Assert.Contains(logger.Events, e => e.Level == LogLevel.Error && e.Message.Contains(LiveScoreJournal.PathOf(State, Family), StringComparison.Ordinal));
    }

    [Fact]
    public void Journal_LastLineCutShortByACrash_IsSkippedByReadersAndClosedByTheNextWriter()
    {
        var path = _dir.File("j.jsonl");
        var journal = new JsonLinesJournal<LiveScoreDay>(path, 100);
        journal.Append(Day(1));
        File.AppendAllText(path, "{\"date\":\"2020-01-0");

        var reader = new JsonLinesJournal<LiveScoreDay>(path, 100);
        Assert.Equal([Day(1)], reader.Read(out var unreadable));
        Assert.Equal(1, unreadable);

        reader.Append(Day(2));
        Assert.Equal([Day(1), Day(2)], new JsonLinesJournal<LiveScoreDay>(path, 100).Read(out unreadable));
        Assert.Equal(1, unreadable);
    }

    [Fact]
    public void Journal_PastItsRetention_KeepsOnlyTheNewestLines()
    {
        var path = _dir.File("j.jsonl");
        var journal = new JsonLinesJournal<LiveScoreDay>(path, 8);
        for (var i = 1; i <= 30; i++)
        {
            journal.Append(Day(i));
        }

        var kept = new JsonLinesJournal<LiveScoreDay>(path, 8).Read();
        Assert.InRange(kept.Count, 8, 10);
        Assert.Equal(Day(30), kept[^1]);
        Assert.Equal(Enumerable.Range(31 - kept.Count, kept.Count).Select(Day), kept);
        Assert.Equal(kept.Count, File.ReadAllLines(path).Length);
    }

    public void Dispose() => _dir.Dispose();

    private static LiveScoreDay Day(int i) => new()
    {
        Date = new DateOnly(2020, 1, 1).AddDays(i),
        SignalDate = new DateOnly(2020, 1, 1).AddDays(i - 1),
        Family = Family,
        ModelVersion = "set-a",
        Symbols = 50,
        RankIc = i / 100.0,
        At = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
    };

    private static void Observe(LiveScorer[] scorers, MarketSnapshot snapshot)
    {
        var outcomes = new[] { Outcome(Family, Reversal(snapshot), "set-a") };
        var combined = SignalCombiner.Combine(snapshot, outcomes);
        foreach (var scorer in scorers)
        {
            scorer.Observe(snapshot, outcomes, combined);
        }
    }

    private static Dictionary<string, double> Reversal(MarketSnapshot snapshot) =>
        snapshot.Symbols.Where(s => s.Count > 1).ToDictionary(s => s.Symbol, s => Math.Tanh(-100 * (s.Last.Close / s.CloseAgo(1) - 1)));

    private static FamilyOutcome Outcome(string name, Dictionary<string, double> signals, string version, long errors = 0) =>
        new(Handles.For(Mock.Of<IAlphaFamily>(), name), OutcomeKind.Ok, signals, 1.0, new FamilyHealth(FamilyState.Ok, errors) { ModelVersion = version });

    private static double RankIcOfReturns(Dictionary<string, double> signal, Dictionary<string, double> before, Dictionary<string, double> after)
    {
        var symbols = signal.Keys.Where(after.ContainsKey).ToArray();
        return OfflineRankIc.Of(symbols.Select(s => signal[s]).ToArray(), symbols.Select(s => after[s] / before[s] - 1).ToArray());
    }

    private sealed class Tolerance(int digits) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Round(x - y, digits) == 0;

        public int GetHashCode(double obj) => 0;
    }
}
