using AlphaHost.Host.Configuration;
using AlphaHost.Host.Health;

namespace AlphaHost.Tests.Health;

public sealed class StallRuleTests
{
    [Fact]
    public void Limit_Defaults_IsCycleIntervalPlusFamilyBudgetPlusInitBudgetPlusMargin()
    {
        Assert.Equal(TimeSpan.FromSeconds(21.5), StallRule.Limit(AlphaHostConfig.Default("test.yaml")));
    }

    [Fact]
    public void Limit_FamilyWithItsOwnLargerBudget_UsesTheLargestBudget()
    {
        var config = ConfigLoader.Parse("test.yaml", "families:\n  slow:\n    enabled: true\n    timeout: 60s\n");

        Assert.Equal(TimeSpan.FromSeconds(1 + 60 + 10 + 10), StallRule.Limit(config));
    }

    [Fact]
    public void IsStalled_BeforeTheFirstPass_IsFalse()
    {
        Assert.False(StallRule.IsStalled(null, DateTimeOffset.MaxValue, TimeSpan.FromSeconds(1)));
    }
}
