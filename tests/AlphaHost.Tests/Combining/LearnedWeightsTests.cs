using AlphaHost.Host.Combining;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;

namespace AlphaHost.Tests.Combining;

public sealed class LearnedWeightsTests
{
    private static readonly string[] Live = ["good", "bad", "noise"];

    [Fact]
    public void Weigh_StaticMode_HandsTheConfiguredWeightsThroughAndLearnsNothing()
    {
        var config = CombinerDays.Config(CombinerDays.Yaml.Replace("mode: learned", "mode: static", StringComparison.Ordinal));
        var weights = new LearnedWeights(CombinerState.Empty);

        var weighed = Run(weights, config, CombinerDays.Days.Length - 1, Live);

        Assert.Equal([0.2, 0.4, 0.4], weighed[^1].Select(o => o.Weight));
        Assert.Same(CombinerState.Empty, weights.State);
    }

    [Fact]
    public void Weigh_LearnedMode_MovesWeightToTheFamilyThatEarnsAndNoneBelowZero()
    {
        var config = CombinerDays.Config();

        var last = Run(new LearnedWeights(CombinerState.Empty), config, CombinerDays.Days.Length - 1, Live)[^1].ToDictionary(o => o.Name, o => o.Weight);

        Assert.InRange(last["good"], 0.5, 0.6 + 1e-9);
        Assert.InRange(last["bad"], 0.2 - 1e-9, 0.25);
        Assert.InRange(last["noise"], 0.2 - 1e-9, 0.3);
        Assert.Equal(1.0, last.Values.Sum(), 9);
    }

    [Fact]
    public void Weigh_BeforeMinDays_GivesTheConfiguredWeights()
    {
        var config = CombinerDays.Config();

        var weighed = Run(new LearnedWeights(CombinerState.Empty), config, 20, Live);

        Assert.All(weighed, day => Assert.Equal([0.2, 0.4, 0.4], day.Select(o => o.Weight)));
    }

    [Fact]
    public void Weigh_WeightsChangeOnlyEveryUpdateDays()
    {
        var config = CombinerDays.Config();
        var weights = new LearnedWeights(CombinerState.Empty);
        var updates = new List<int>();
        var previous = (DateOnly?)null;
        for (var day = 0; day < CombinerDays.Days.Length - 1; day++)
        {
            weights.Weigh(CombinerDays.Days[day].Snapshot, CombinerDays.Outcomes(day, config, Live), config);
            if (weights.State.UpdatedOn != previous)
            {
                updates.Add(day);
                previous = weights.State.UpdatedOn;
            }
        }

        Assert.True(updates.Count > 10);
        Assert.All(updates.Zip(updates.Skip(1)), pair => Assert.Equal(5, pair.Second - pair.First));
    }

    [Fact]
    public void Weigh_ClosesAfterADay_DoNotChangeItsWeights()
    {
        var config = CombinerDays.Config();
        var full = Run(new LearnedWeights(CombinerState.Empty), config, CombinerDays.Days.Length - 1, Live);

        // A second run that stops at day 60: what happened after it cannot have reached its weights.
        var cut = Run(new LearnedWeights(CombinerState.Empty), config, 61, Live);

        Assert.Equal(cut[^1].Select(o => o.Weight), full[60].Select(o => o.Weight));
        Assert.NotEqual([0.2, 0.4, 0.4], full[60].Select(o => o.Weight));
    }

    [Fact]
    public void Weigh_ShadowOrZeroWeightFamily_LeavesTheOthersWeightsAsWithoutIt()
    {
        var config = CombinerDays.Config();
        var without = Run(new LearnedWeights(CombinerState.Empty), config, CombinerDays.Days.Length - 1, Live);

        var with = Run(new LearnedWeights(CombinerState.Empty), config, CombinerDays.Days.Length - 1, [.. Live, "watch", "zero"]);

        for (var day = 0; day < without.Count; day++)
        {
            Assert.Equal(without[day].Select(o => o.Weight), with[day].Take(3).Select(o => o.Weight));
            Assert.Equal([0.5, 0.0], with[day].Skip(3).Select(o => o.Weight));
        }
    }

    [Fact]
    public void Weigh_FailedFamily_KeepsItsLearnedWeightAndContributesNothing()
    {
        var config = CombinerDays.Config();
        var weights = new LearnedWeights(CombinerState.Empty);
        var last = CombinerDays.Days.Length - 2;
        Run(weights, config, last, Live);

        var outcomes = CombinerDays.Outcomes(last, config, Live);
        outcomes[0] = CombinerDays.Outcome("good", 0.2, OutcomeKind.Failed, new Dictionary<string, double>());
        var weighed = weights.Weigh(CombinerDays.Days[last].Snapshot, outcomes, config);
        var combined = SignalCombiner.CombineLive(CombinerDays.Days[last].Snapshot, weighed, config);

        Assert.Equal(weights.State.Weights["good"], weighed[0].Weight);
        Assert.True(weighed[0].Weight > 0.2);
        Assert.All(combined.Signals, s => Assert.Equal(0.0, s.Contributions[0]));
    }

    [Fact]
    public void Weigh_SameCloseTwice_CountsItOnce()
    {
        var config = CombinerDays.Config();
        var weights = new LearnedWeights(CombinerState.Empty);
        Run(weights, config, 30, Live);
        var before = weights.State;

        weights.Weigh(CombinerDays.Days[29].Snapshot, CombinerDays.Outcomes(29, config, Live), config);

        Assert.Same(before, weights.State);
        Assert.Equal(29, before.Families["good"].Returns.Count);
    }

    /// <summary>The weighed outcomes of closes 0..<paramref name="days"/>-1, in order.</summary>
    internal static List<IReadOnlyList<FamilyOutcome>> Run(LearnedWeights weights, AlphaHostConfig config, int days, string[] names)
    {
        var result = new List<IReadOnlyList<FamilyOutcome>>();
        for (var day = 0; day < days; day++)
        {
            result.Add(weights.Weigh(CombinerDays.Days[day].Snapshot, CombinerDays.Outcomes(day, config, names), config));
        }

        return result;
    }
}
