using AlphaHost.Host.Combining;
using AlphaHost.Host.Configuration;

namespace AlphaHost.Tests.Combining;

public sealed class CombinerConfigTests
{
    [Fact]
    public void Parse_NoCombinerSection_IsStaticWithTheDeclaredDefaults()
    {
        var config = ConfigLoader.Parse("golden.yaml", "families: {}\n");

        Assert.Equal(new CombinerOptions(), config.Combiner);
        Assert.Equal(CombinerMode.Static, config.Combiner.Mode);
    }

    [Fact]
    public void Parse_CombinerSection_ReadsEveryKey()
    {
        var config = ConfigLoader.Parse("golden.yaml",
            "combiner:\n  mode: learned\n  lookback_days: 100\n  min_days: 50\n  shrinkage: 0.3\n  max_weight: 0.7\n  update_days: 10\n  cost_bp: 2\n");

        Assert.Equal(new CombinerOptions { Mode = CombinerMode.Learned, LookbackDays = 100, MinDays = 50, Shrinkage = 0.3, MaxWeight = 0.7, UpdateDays = 10, CostBasisPoints = 2 },
            config.Combiner);
        Assert.Empty(config.Warnings);
    }

    [Theory]
    [InlineData("combiner:\n  mode: clever\n", 2, "combiner.mode")]
    [InlineData("combiner:\n  update_days: 1\n", 2, "combiner.update_days")]
    [InlineData("combiner:\n  shrinkage: 1.5\n", 2, "combiner.shrinkage")]
    [InlineData("combiner:\n  lookback_days: 60\n  min_days: 61\n", 3, "combiner.min_days")]
    public void Parse_InvalidCombinerValue_NamesFileLineAndKey(string yaml, int line, string key)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("golden.yaml", yaml));

        Assert.Equal(line, error.Line);
        Assert.Equal(key, error.KeyPath);
    }
}
