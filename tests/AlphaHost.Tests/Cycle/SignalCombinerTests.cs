using AlphaHost.Abstractions;
using AlphaHost.Host.Cycle;
using AlphaHost.Tests.Support;
using Moq;

namespace AlphaHost.Tests.Cycle;

public sealed class SignalCombinerTests
{
    private static readonly MarketSnapshot Snapshot = SampleSnapshots.Of(
        SampleSnapshots.History("SPY", 1), SampleSnapshots.History("AAA", 1), SampleSnapshots.History("BBB", 1), SampleSnapshots.History("CCC", 1));

    [Fact]
    public void Combine_WeightsEachFamilyAndRecordsContributions()
    {
        var combined = SignalCombiner.Combine(Snapshot, [
            Outcome("momentum", 0.5, OutcomeKind.Ok, ("AAA", 0.4), ("BBB", -1.0)),
            Outcome("reversal", 0.25, OutcomeKind.Ok, ("AAA", 0.8)),
        ]);

        var aaa = combined.Signals.Single(s => s.Symbol == "AAA");
        Assert.Equal(["momentum", "reversal"], combined.Families);
        Assert.Equal([0.2, 0.2], aaa.Contributions);
        Assert.Equal(0.4, aaa.Signal, 12);
        Assert.Equal(-0.5, combined.Signals.Single(s => s.Symbol == "BBB").Signal);
    }

    [Fact]
    public void Combine_SymbolWithoutAnySignal_IsNeutral()
    {
        var combined = SignalCombiner.Combine(Snapshot, [Outcome("momentum", 1, OutcomeKind.Ok, ("AAA", 0.4))]);

        var ccc = combined.Signals.Single(s => s.Symbol == "CCC");
        Assert.Equal(0.0, ccc.Signal);
        Assert.Equal([0.0], ccc.Contributions);
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(-1.0, -1.0)]
    public void Combine_SumBeyondUnit_IsClipped(double signal, double expected)
    {
        var combined = SignalCombiner.Combine(Snapshot, [
            Outcome("a", 1.0, OutcomeKind.Ok, ("AAA", signal)),
            Outcome("b", 1.0, OutcomeKind.Ok, ("AAA", signal)),
            Outcome("c", 2.0, OutcomeKind.Ok, ("AAA", signal)),
        ]);

        var aaa = combined.Signals.Single(s => s.Symbol == "AAA");
        Assert.Equal(expected, aaa.Signal);
        Assert.Equal(4 * signal, aaa.Contributions.Sum());
    }

    [Theory]
    [InlineData("DisabledConfig")]
    [InlineData("Failed")]
    [InlineData("TimedOut")]
    [InlineData("Quarantined")]
    public void Combine_FamilyThatDidNotRunOk_ContributesZero(string kindName)
    {
        var kind = Enum.Parse<OutcomeKind>(kindName);
        var combined = SignalCombiner.Combine(Snapshot, [
            Outcome("ok", 0.5, OutcomeKind.Ok, ("AAA", 1.0)),
            Outcome("other", 0.5, kind, ("AAA", 1.0)),
        ]);

        var aaa = combined.Signals.Single(s => s.Symbol == "AAA");
        Assert.Equal([0.5, 0.0], aaa.Contributions);
        Assert.Equal(0.5, aaa.Signal);
    }

    private static FamilyOutcome Outcome(string name, double weight, OutcomeKind kind, params (string Symbol, double Value)[] signals) =>
        new(Handles.For(Mock.Of<IAlphaFamily>(), name), kind, signals.ToDictionary(s => s.Symbol, s => s.Value), weight, FamilyHealth.Ok);
}
