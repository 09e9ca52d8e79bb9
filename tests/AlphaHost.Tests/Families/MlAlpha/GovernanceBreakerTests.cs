using AlphaHost.Plugins.MlAlpha.Governance;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Families.MlAlpha;

public sealed class GovernanceBreakerTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-01-23T19:00:00Z"));

    private string StatePath => _dir.File("state/ml_alpha/governance.json");

    [Fact]
    public void RecordFailure_ThirdWithinFiveMinutes_DisablesAndPersists()
    {
        var breaker = Create();

        Assert.False(breaker.RecordFailure("FEATURE_MISMATCH"));
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False(breaker.RecordFailure("FEATURE_MISMATCH"));
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(breaker.RecordFailure("FEATURE_MISMATCH"));

        Assert.True(breaker.IsDisabled);
        Assert.Equal("FEATURE_MISMATCH", breaker.State.Reason);
        Assert.True(File.Exists(StatePath));
        var error = Assert.Throws<GovernanceDisabledException>(breaker.EnsureEnabled);
        Assert.Contains("ml_v1", error.Message);
    }

    [Fact]
    public void RecordFailure_ThreeSpreadOverMoreThanTheWindow_DoesNotDisable()
    {
        var breaker = Create();

        breaker.RecordFailure("FEATURE_MISMATCH");
        _clock.Advance(TimeSpan.FromMinutes(3));
        breaker.RecordFailure("FEATURE_MISMATCH");
        _clock.Advance(TimeSpan.FromMinutes(2.5));
        breaker.RecordFailure("FEATURE_MISMATCH");

        Assert.False(breaker.IsDisabled);
        Assert.Equal(3, breaker.State.ModelErrors);
        Assert.False(File.Exists(StatePath));
    }

    [Fact]
    public void Constructor_AfterATrip_StaysDisabledAcrossRestart()
    {
        var first = Create();
        Trip(first);

        var restarted = Create();

        Assert.True(restarted.IsDisabled);
        Assert.Equal("FEATURE_MISMATCH", restarted.State.Reason);
    }

    [Fact]
    public void Reset_WithReason_ReEnablesAndTheResetSurvivesRestart()
    {
        var breaker = Create();
        Trip(breaker);

        breaker.Reset("models retrained and validated, ticket OPS-42");
        var restarted = Create();

        Assert.False(restarted.IsDisabled);
        Assert.Equal("models retrained and validated, ticket OPS-42", restarted.State.ResetReason);
        restarted.EnsureEnabled();
    }

    [Fact]
    public void Reset_WhenNotDisabled_RecordsNothing()
    {
        var breaker = Create();

        var cleared = breaker.Reset("checking the reset drill");

        Assert.False(cleared);
        Assert.False(File.Exists(StatePath));
        Assert.Null(Create().State.ResetAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Reset_WithoutReason_IsRefused(string reason)
    {
        Assert.Throws<ArgumentException>(() => Create().Reset(reason));
    }

    [Theory]
    [InlineData("{ truncated")]
    [InlineData("")]
    [InlineData("null")]
    public void Constructor_UnreadableStateFile_KeepsTheModelDisabled(string content)
    {
        _dir.Write("state/ml_alpha/governance.json", content);

        var breaker = Create();

        Assert.True(breaker.IsDisabled);
        Assert.StartsWith("STATE_UNREADABLE", breaker.State.Reason);
    }

    [Fact]
    public void RecordFailure_Trip_LeavesNoTemporaryFiles()
    {
        var breaker = Create();
        Trip(breaker);

        Assert.Equal(["governance.json"], Directory.GetFiles(Path.GetDirectoryName(StatePath)!).Select(Path.GetFileName));
    }

    [Fact]
    public void ModelFeatureMismatchException_NamesMissingExtraAndReorderedFeatures()
    {
        var missing = new ModelFeatureMismatchException("AAPL", ["a", "b", "c"], ["a"], []);
        var reordered = new ModelFeatureMismatchException("AAPL", ["a", "b"], ["b", "a"], []);
        var nonFinite = new ModelFeatureMismatchException("AAPL", ["a", "b"], ["a", "b"], ["b"]);

        Assert.Equal("AAPL: features do not match the model: expected 3, provided 1, missing b,c", missing.Message);
        Assert.Equal(["b", "c"], missing.MissingFeatures);
        Assert.EndsWith("same names in another order", reordered.Message);
        Assert.EndsWith("not finite b", nonFinite.Message);
    }

    public void Dispose() => _dir.Dispose();

    private static void Trip(GovernanceBreaker breaker)
    {
        for (var i = 0; i < 3; i++)
        {
            breaker.RecordFailure("FEATURE_MISMATCH");
        }
    }

    private GovernanceBreaker Create() => new(StatePath, "ml_v1", "hash", GovernanceOptions.Default, _clock);
}
