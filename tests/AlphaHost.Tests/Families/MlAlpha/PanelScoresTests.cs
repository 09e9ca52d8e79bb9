using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Plugins.MlAlpha.Universe;

namespace AlphaHost.Tests.Families.MlAlpha;

/// <summary>The daily IC and rank IC behind the pooled model's validation metrics and <c>ml evaluate</c>'s walk-forward.</summary>
public sealed class PanelScoresTests
{
    [Fact]
    public void Daily_ADateWhoseScoresAreAllEqual_IsLeftOutInsteadOfCountedAsAnIcOfZero()
    {
        var history = TrainedModels.History();
        var panel = UniversePanel.Build(history.Symbols, new FeaturePipeline(TrainedModels.Contract).ComputeBatch(history.Symbols, history.Benchmark), 5, CrossSectionalTransform.Rank);
        var to = Math.Min(panel.Dates.Length - 1, 40);
        var eligible = Enumerable.Range(0, to).Where(d => Enumerable.Range(panel.First[d], panel.First[d + 1] - panel.First[d]).Count(r => float.IsFinite(panel.Forward[r])) >= 3).ToArray();
        var flat = eligible[eligible.Length / 2];
        var random = new Random(5);
        var scores = Enumerable.Range(0, panel.First[to]).Select(_ => random.NextDouble()).ToArray();
        Array.Fill(scores, 0.5, panel.First[flat], panel.First[flat + 1] - panel.First[flat]);

        var (ic, rankIc) = PanelScores.Daily(panel, 0, to, scores, panel.Forward);

        Assert.Equal(eligible.Length - 1, ic.Count);
        Assert.Equal(eligible.Length - 1, rankIc.Count);
        Assert.All(ic.Concat(rankIc), v => Assert.True(double.IsFinite(v) && v != 0.0, $"{v}"));
    }
}
