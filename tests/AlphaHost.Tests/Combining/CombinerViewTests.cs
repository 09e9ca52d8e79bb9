using System.Text.Json;
using AlphaHost.Host.Combining;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Http;

namespace AlphaHost.Tests.Combining;

public sealed class CombinerViewTests
{
    [Fact]
    public void Of_WeighedOutcomes_ShowsTheModeAndTheLiveFamiliesWeights()
    {
        var config = CombinerDays.Config();
        FamilyOutcome[] weighed =
        [
            CombinerDays.Outcome("good", 0.55, OutcomeKind.Ok, new Dictionary<string, double>()),
            CombinerDays.Outcome("bad", 0.45, OutcomeKind.Failed, new Dictionary<string, double>()),
            CombinerDays.Outcome("watch", 0.5, OutcomeKind.Ok, new Dictionary<string, double>()),
        ];

        var json = JsonSerializer.Serialize(CombinerView.Of(weighed, config), StatusJson.Options);

        Assert.Equal("""{"mode":"learned","weights":{"good":0.55,"bad":0.45}}""", json);
    }
}
