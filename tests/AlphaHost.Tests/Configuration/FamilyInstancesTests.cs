using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;

namespace AlphaHost.Tests.Configuration;

/// <summary><c>families.&lt;instance&gt;.family</c> checked against the families the plugins export.</summary>
public sealed class FamilyInstancesTests
{
    private static readonly AlphaFamilyAttribute[] Exports =
    [
        new("ml_alpha") { IsModelFamily = true, InstanceFolders = ["models_dir=models/ml_alpha"] },
        new("momentum"),
    ];

    [Fact]
    public void Check_CandidateWithItsOwnModelsFolder_IsSound()
    {
        var config = Parse("families:\n  ml_alpha:\n    models_dir: ../models/ml_alpha\n  ml_candidate:\n    family: ml_alpha\n    models_dir: ../models/ml_candidate\n");

        Assert.Null(FamilyInstances.Check(config, Exports));
    }

    [Fact]
    public void Check_ConfigWithoutFamilyKeys_IsSoundAndNeedsNoPluginToSaySo()
    {
        var config = Parse("families:\n  ml_alpha:\n    weight: 0.4\n  unknown_one:\n    weight: 1\n");

        Assert.False(FamilyInstances.Declared(config));
        Assert.Null(FamilyInstances.Check(config, []));
    }

    [Fact]
    public void Check_FamilyNamingNoLoadedPlugin_NamesFileLineAndKey()
    {
        var config = Parse("families:\n  ml_candidate:\n    family: ml_beta\n");

        var error = FamilyInstances.Check(config, Exports);

        Assert.Equal("/cfg/golden.yaml:3: families.ml_candidate.family: names no loaded plugin family 'ml_beta' (loaded: ml_alpha, momentum)", error?.Message);
    }

    [Theory]
    [InlineData("families:\n  ml_alpha:\n    weight: 0.4\n  ml_candidate:\n    family: ml_alpha\n", 4, "families.ml_candidate.models_dir")]
    [InlineData("families:\n  ml_alpha:\n    models_dir: ../models/a\n  ml_candidate:\n    family: ml_alpha\n    models_dir: /models/a/\n", 6, "families.ml_candidate.models_dir")]
    public void Check_TwoInstancesOnOneModelsFolder_NamesTheSecondsLineAndKey(string yaml, int line, string key)
    {
        var error = FamilyInstances.Check(Parse(yaml), Exports);

        Assert.NotNull(error);
        Assert.Equal((line, key), (error.Line, error.KeyPath));
        Assert.Contains("is also the models_dir of families.ml_alpha", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_InstanceTakingAnotherFamilysName_IsRefusedForSharingItsStateFolder()
    {
        var config = Parse("families:\n  momentum:\n    family: ml_alpha\n    models_dir: ../models/m\n");

        var error = FamilyInstances.Check(config, Exports);

        Assert.Equal((3, "families.momentum.family"), (error?.Line, error?.KeyPath));
        Assert.Contains("runtime/state/momentum", error!.Message, StringComparison.Ordinal);
    }

    private static AlphaHostConfig Parse(string yaml) => ConfigLoader.Parse("/cfg/golden.yaml", yaml);
}
