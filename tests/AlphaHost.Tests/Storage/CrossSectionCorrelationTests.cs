using AlphaHost.Abstractions;

namespace AlphaHost.Tests.Storage;

/// <summary>
/// The one correlation behind every IC, rank IC and live score: a day on which all signals (or all returns) are equal has
/// no correlation, so it is NaN, never 0.0 that would pull a mean towards zero.
/// </summary>
public sealed class CrossSectionCorrelationTests
{
    [Fact]
    public void Pearson_AllSignalsEqual_IsNaN()
    {
        Assert.True(double.IsNaN(CrossSection.Pearson([0.5, 0.5, 0.5, 0.5], [0.01, -0.02, 0.03, 0.0])));
        Assert.True(double.IsNaN(CrossSection.Spearman([0.5, 0.5, 0.5, 0.5], [0.01, -0.02, 0.03, 0.0])));
    }

    [Fact]
    public void Pearson_AllReturnsEqual_IsNaN()
    {
        Assert.True(double.IsNaN(CrossSection.Pearson([1.0, 2.0, 3.0], [0.0, 0.0, 0.0])));
    }

    [Fact]
    public void Pearson_FewerThanThreePairs_IsNaN()
    {
        Assert.True(double.IsNaN(CrossSection.Pearson([1.0, 2.0], [2.0, 1.0])));
    }

    [Fact]
    public void Pearson_KnownSeries_MatchesTheTextbookValue()
    {
        Assert.Equal(1.0, CrossSection.Pearson([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0]), 12);
        Assert.Equal(-1.0, CrossSection.Pearson([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]), 12);
        // x = 1..5, y = 2, 1, 4, 3, 5: sxy = 8, sxx = syy = 10.
        Assert.Equal(0.8, CrossSection.Pearson([1.0, 2.0, 3.0, 4.0, 5.0], [2.0, 1.0, 4.0, 3.0, 5.0]), 12);
    }

    [Fact]
    public void Spearman_MonotoneButNotLinear_IsOne()
    {
        Assert.Equal(1.0, CrossSection.Spearman([1.0, 2.0, 3.0, 4.0], [1.0, 8.0, 27.0, 1000.0]), 12);
    }

    [Fact]
    public void Pearson_UnequalLengths_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CrossSection.Pearson([1.0, 2.0, 3.0], [1.0, 2.0]));
    }
}
