using AlphaHost.Abstractions;

namespace AlphaHost.Tests.Scoring;

/// <summary>The one ranking rule (<see cref="CrossSection.AverageRanks(IReadOnlyList{double})"/>) every sector rank, label and rank correlation uses.</summary>
public sealed class CrossSectionRankTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(11)]
    [InlineData(47)]
    [InlineData(48)]
    [InlineData(49)]
    [InlineData(80)]
    [InlineData(81)]
    [InlineData(300)]
    public void AverageRanks_AnySizeWithTiesAndSignedZeros_IsTheCountBelowPlusHalfTheOtherTies(int n)
    {
        var random = new Random(n);
        double[] pool = [-0.0, 0.0, -1.5, 2.25, double.MaxValue, double.MinValue, 1e-300];
        for (var trial = 0; trial < 20; trial++)
        {
            var values = Enumerable.Range(0, n)
                .Select(_ => random.Next(3) switch { 0 => pool[random.Next(pool.Length)], 1 => random.Next(-2, 3), _ => random.NextDouble() - 0.5 })
                .ToArray();

            var ranks = CrossSection.AverageRanks(values);

            // Ranks from 0: the values strictly below, plus half of the other values equal to it.
            var expected = values.Select(v => values.Count(w => w < v) + ((values.Count(w => w == v) - 1) / 2.0));
            Assert.Equal(expected, ranks);
        }
    }
}
