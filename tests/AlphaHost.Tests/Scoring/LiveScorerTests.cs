using System.Diagnostics.Metrics;
using AlphaHost.Abstractions;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Scoring;
using AlphaHost.Tests.Support;
using Moq;

namespace AlphaHost.Tests.Scoring;

public sealed class LiveScorerTests
{
    private const int Days = 80;

    [Fact]
    public void Observe_SampleMarket_RollingRankIcAndHitRateEqualAnOfflineComputationFromThePrices()
    {
        using var scorer = new LiveScorer(null, TimeProvider.System);
        var replay = new SampleReplay(300);
        var signals = new List<Dictionary<string, double>>();
        var closes = new List<Dictionary<string, double>>();
        for (var day = 0; day < Days; day++)
        {
            var snapshot = replay.Next();
            // A reversal on the last day's return: a signal with a real (and known) relation to the next day's.
            var family = snapshot.Symbols.Where(s => s.Count > 1).ToDictionary(s => s.Symbol, s => Math.Tanh(-100 * (s.Last.Close / s.CloseAgo(1) - 1)));
            signals.Add(family);
            closes.Add(snapshot.Symbols.ToDictionary(s => s.Symbol, s => s.Last.Close));
            var outcomes = new[] { Outcome("reversal_like", family) };
            scorer.Observe(snapshot, outcomes, SignalCombiner.Combine(snapshot, outcomes));
        }

        var offline = Enumerable.Range(1, Days - 1).Select(d => Offline(signals[d - 1], closes[d - 1], closes[d])).ToArray();
        var live = scorer.Scores().Single(s => s.Family == "reversal_like");

        Assert.Equal(60, live.Days);
        Assert.Equal(offline.TakeLast(20).Average(o => o.Ic), live.RankIc20!.Value, 12);
        Assert.Equal(offline.TakeLast(60).Average(o => o.Ic), live.RankIc60!.Value, 12);
        Assert.Equal(offline.TakeLast(20).Average(o => o.Hit), live.HitRate20!.Value, 12);
        Assert.Equal(offline.TakeLast(60).Average(o => o.Hit), live.HitRate60!.Value, 12);
        // The combined signal of a single family at weight 1 ranks the same way (clipping aside it is the same signal).
        Assert.Equal(LiveScorer.Combined, scorer.Scores()[^1].Family);
    }

    [Fact]
    public void Observe_FamilyWithoutSignalsOneDay_IsNotScoredTheDayAfterWhileTheCombinedSignalIs()
    {
        using var scorer = new LiveScorer(null, TimeProvider.System);
        var replay = new SampleReplay(300);
        for (var day = 0; day < 10; day++)
        {
            var snapshot = replay.Next();
            var outcome = day == 4
                ? Outcome("momentum_like", [], OutcomeKind.Failed)
                : Outcome("momentum_like", snapshot.Symbols.Where(s => s.Count > 5).ToDictionary(s => s.Symbol, s => s.Last.Close / s.CloseAgo(5) - 1));
            scorer.Observe(snapshot, [outcome], SignalCombiner.Combine(snapshot, [outcome]));
        }

        var scores = scorer.Scores().ToDictionary(s => s.Family);
        Assert.Equal(8, scores["momentum_like"].Days);
        Assert.Equal(9, scores[LiveScorer.Combined].Days);
    }

    [Fact]
    public void Gauges_OnTheAlphaHostMeter_CarryFamilyAndWindowTags()
    {
        using var scorer = new LiveScorer(null, TimeProvider.System);
        var replay = new SampleReplay(300);
        for (var day = 0; day < 3; day++)
        {
            var snapshot = replay.Next();
            var outcome = Outcome("reversal_like", snapshot.Symbols.Where(s => s.Count > 1).ToDictionary(s => s.Symbol, s => s.CloseAgo(1) - s.Last.Close));
            scorer.Observe(snapshot, [outcome], SignalCombiner.Combine(snapshot, [outcome]));
        }

        var seen = new List<(string Name, string Family, int Window)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "AlphaHost" && instrument.Name.StartsWith("alphahost_live_", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            var all = tags.ToArray().ToDictionary(t => t.Key, t => t.Value);
            seen.Add((instrument.Name, (string)all["family"]!, (int)all["window_days"]!));
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Contains(("alphahost_live_rank_ic", "reversal_like", 20), seen);
        Assert.Contains(("alphahost_live_hit_rate", LiveScorer.Combined, 60), seen);
    }

    private static (double Ic, double Hit) Offline(Dictionary<string, double> signal, Dictionary<string, double> before, Dictionary<string, double> after)
    {
        var symbols = signal.Keys.Where(after.ContainsKey).ToArray();
        var x = symbols.Select(s => signal[s]).ToArray();
        var y = symbols.Select(s => after[s] / before[s] - 1).ToArray();
        var hits = symbols.Select((_, i) => (x[i], y[i])).Where(p => p.Item1 != 0 && p.Item2 != 0).ToArray();
        return (OfflineRankIc.Of(x, y), hits.Count(p => Math.Sign(p.Item1) == Math.Sign(p.Item2)) / (double)hits.Length);
    }

    private static FamilyOutcome Outcome(string name, Dictionary<string, double> signals, OutcomeKind kind = OutcomeKind.Ok) =>
        new(Handles.For(Mock.Of<IAlphaFamily>(), name), kind, signals, 1.0, FamilyHealth.Ok);
}
