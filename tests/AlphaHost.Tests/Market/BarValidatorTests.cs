using AlphaHost.Abstractions;
using AlphaHost.Host.Market;

namespace AlphaHost.Tests.Market;

public sealed class BarValidatorTests
{
    private static readonly DateOnly Day = new(2020, 1, 2);

    [Theory]
    [InlineData(double.NaN, 11, 9, 10, 100, "finite and positive")]
    [InlineData(10, double.PositiveInfinity, 9, 10, 100, "finite and positive")]
    [InlineData(10, 11, 9, 0, 100, "finite and positive")]
    [InlineData(10, 11, -9, 10, 100, "finite and positive")]
    [InlineData(10, 9, 11, 10, 100, "high 9 < low 11")]
    [InlineData(10, 11, 9, 10, -1, "volume")]
    [InlineData(10, 11, 9, 10, double.NaN, "volume")]
    public void Problem_BadPricesOrVolume_AreNamed(double open, double high, double low, double close, double volume, string expected)
    {
        var problem = BarValidator.Problem(new Bar(Day, open, high, low, close, volume), null);

        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
        Assert.StartsWith("2020-01-02", problem);
    }

    [Fact]
    public void Problem_DuplicateAndUnsortedDates_AreNamed()
    {
        var bar = new Bar(Day, 10, 11, 9, 10, 100);

        Assert.Contains("duplicate date", BarValidator.Problem(bar, Day));
        Assert.Contains("unsorted", BarValidator.Problem(bar, Day.AddDays(3)));
    }

    [Fact]
    public void Problem_GoodBarWithZeroVolume_IsAccepted()
    {
        Assert.Null(BarValidator.Problem(new Bar(Day, 10, 11, 9, 10, 0), Day.AddDays(-1)));
    }
}
