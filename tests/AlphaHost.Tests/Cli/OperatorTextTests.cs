using AlphaHost.Abstractions;
using AlphaHost.Host.Internal;

namespace AlphaHost.Tests.Cli;

/// <summary>Durations and times in operator messages read as an operator writes them.</summary>
public sealed class OperatorTextTests
{
    [Theory]
    [InlineData("30h", "30h")]
    [InlineData("5m", "5m")]
    [InlineData("90s", "90s")]
    [InlineData("1.5s", "1.5s")]
    [InlineData("250ms", "250ms")]
    [InlineData("120s", "2m")]
    public void Format_ConfiguredDuration_PrintsInTheLargestWholeUnit(string configured, string printed)
    {
        Assert.Equal(printed, DurationText.Format(DurationText.Parse(configured)!.Value));
    }

    [Fact]
    public void Time_InstantWithTicks_PrintsUtcToTheSecond()
    {
        var at = new DateTimeOffset(2026, 12, 7, 19, 5, 31, TimeSpan.FromHours(1)).AddTicks(1_234_567);

        Assert.Equal("2026-12-07T18:05:31Z", OperatorText.Time(at));
    }
}
