using System.Text.Json.Nodes;
using AlphaHost.Plugins.MlAlpha.Contracts;
using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Families.MlAlpha;

public sealed class FeatureContractTests
{
    private static readonly string[] MlV1Order =
    [
        "ret_1d", "ret_5d", "ret_10d", "ret_20d", "ret_60d", "vol_5d", "vol_20d", "vol_60d", "atr_14_pct", "hl_range_1d", "skew_60",
        "kurt_60", "rsi_14", "macd_norm", "macd_signal_norm", "macd_hist_norm", "bb_pctb_20", "bb_width_20", "stoch_k_14",
        "sma_ratio_10_50", "zscore_20", "dist_high_60", "dist_low_60", "volume_z_20", "dollar_volume_log_20", "obv_slope_20",
        "beta_60", "cross_rank_sector",
    ];

    private static string ContractsDir => Path.Combine(TestPaths.RepoRoot, "contracts");

    private static string ShippedJson => File.ReadAllText(Path.Combine(ContractsDir, "feature_contract_ml_v1.json"));

    [Fact]
    public void LoadNamed_MlV1_Has28Float32FeaturesInTheFixedOrder()
    {
        var contract = FeatureContract.LoadNamed(ContractsDir, "ml_v1");

        Assert.Equal("ml_v1", contract.Name);
        Assert.Equal("float32", contract.Dtype);
        Assert.Equal(MlV1Order, contract.Names);
        Assert.Equal(61, contract.MinHistoryBars);
        Assert.All(contract.Features, f => Assert.False(string.IsNullOrWhiteSpace(f.Definition)));
    }

    [Fact]
    public void Hash_MlV1_IsPinned()
    {
        // Changing a name, the order, the dtype or a definition changes what a model means: that needs a new
        // contract version and retrained models, and this pinned value makes such a change impossible to miss.
        Assert.Equal("d51fcb86104f93b49834cf33330d21ac354726f56d1b83ad2bdfe15bddcc4abe", FeatureContract.LoadNamed(ContractsDir, "ml_v1").Hash);
    }

    [Fact]
    public void LoadNamed_MlV2_IsMlV1UnchangedThenItsAdditionsInTheStatesOrder()
    {
        var v1 = FeatureContract.LoadNamed(ContractsDir, "ml_v1");
        var v2 = FeatureContract.LoadNamed(ContractsDir, "ml_v2");

        Assert.Equal("float32", v2.Dtype);
        Assert.Equal("2.0.0", v2.Version);
        Assert.Equal(58, v2.Names.Count);
        Assert.Equal(v1.Features, v2.Features.Take(v1.Features.Count));
        Assert.Equal(FeatureState.Supported, v2.Names);
        Assert.Equal(61, v2.MinHistoryBars);
        Assert.NotEqual(v1.Hash, v2.Hash);
    }

    [Fact]
    public void Hash_MlV2_IsPinned()
    {
        Assert.Equal("4223b7dfd3d38b37fa09e914d7ba1b2b24162bbcb0f8224e7691bbe860ecdfea", FeatureContract.LoadNamed(ContractsDir, "ml_v2").Hash);
    }

    [Fact]
    public void Hash_IgnoresFormattingAndVersionButNotMeaning()
    {
        var original = FeatureContract.Parse("a.json", ShippedJson).Hash;
        var reformatted = Edit(node => node["version"] = "1.0.1", indented: true);
        var redefined = Edit(node => node["features"]![0]!["definition"] = "close[t] / close[t-1]");
        var reordered = Edit(node =>
        {
            var features = node["features"]!.AsArray();
            var first = features[0]!.DeepClone();
            features[0] = features[1]!.DeepClone();
            features[1] = first;
        });

        Assert.Equal(original, FeatureContract.Parse("b.json", reformatted).Hash);
        Assert.NotEqual(original, FeatureContract.Parse("c.json", redefined).Hash);
        Assert.NotEqual(original, FeatureContract.Parse("d.json", reordered).Hash);
    }

    [Theory]
    [InlineData("duplicate", "duplicate feature 'ret_1d' at features[1]")]
    [InlineData("count", "n_features is 28 but 27 features are listed")]
    [InlineData("dtype", "unknown dtype 'float64' (expected float32)")]
    [InlineData("window", "feature 'ret_1d': window must be a positive number of bars")]
    [InlineData("history", "min_history_bars 20 is shorter than the longest window (60)")]
    [InlineData("definition", "missing 'feature 'ret_1d': definition'")]
    [InlineData("features", "missing 'features'")]
    public void Parse_InvalidContract_NamesFileAndProblem(string damage, string expected)
    {
        var json = Edit(node =>
        {
            var features = node["features"]!.AsArray();
            switch (damage)
            {
                case "duplicate": features[1]!["name"] = "ret_1d"; break;
                case "count": features.RemoveAt(27); break;
                case "dtype": node["dtype"] = "float64"; break;
                case "window": features[0]!["window"] = 0; break;
                case "history": node["min_history_bars"] = 20; break;
                case "definition": features[0]!.AsObject().Remove("definition"); break;
                default: node.AsObject().Remove("features"); break;
            }
        });

        var error = Assert.Throws<FeatureContractException>(() => FeatureContract.Parse("contracts/x.json", json));

        Assert.Equal($"contracts/x.json: {expected}", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{ not json")]
    [InlineData("[1, 2]")]
    public void Parse_NotAContract_IsAClearError(string json)
    {
        var error = Assert.Throws<FeatureContractException>(() => FeatureContract.Parse("x.json", json));

        Assert.StartsWith("x.json: ", error.Message);
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("ML_V1")]
    public void LoadNamed_NameThatIsNotAContractName_IsRefusedBeforeTouchingAPath(string name)
    {
        Assert.Throws<FeatureContractException>(() => FeatureContract.LoadNamed(ContractsDir, name));
    }

    [Fact]
    public void LoadNamed_MissingContract_NamesTheFile()
    {
        var error = Assert.Throws<FeatureContractException>(() => FeatureContract.LoadNamed(ContractsDir, "ml_v9"));

        Assert.Contains("feature_contract_ml_v9.json", error.Message);
    }

    private static string Edit(Action<JsonNode> edit, bool indented = false)
    {
        var node = JsonNode.Parse(ShippedJson)!;
        edit(node);
        return node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = indented });
    }
}
