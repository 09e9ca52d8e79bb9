using AlphaHost.Plugins.MlAlpha.Governance;
using AlphaHost.Plugins.MlAlpha.Models;

namespace AlphaHost.Tests.Families.MlAlpha;

public sealed class ServingModelTests
{
    private static readonly ServingModel Model = ModelLoader.Load("AAA", TrainedModels.Summary.Trained[0].Location, TrainedModels.Contract, false, 0.01);

    private static IReadOnlyList<string> Names => TrainedModels.Contract.Names;

    [Fact]
    public void Check_ExactFeatures_Passes()
    {
        Model.Check(Names, Values(28));
    }

    [Fact]
    public void Check_MissingFeature_RaisesNamingIt()
    {
        var provided = Names.Where(n => n != "beta_60").ToArray();

        var error = Assert.Throws<ModelFeatureMismatchException>(() => Model.Check(provided, Values(27)));

        Assert.Equal((28, 27), (error.Expected.Count, error.Provided.Count));
        Assert.Equal(["beta_60"], error.MissingFeatures);
        Assert.Contains("missing beta_60", error.Message);
    }

    [Fact]
    public void Check_ExtraFeature_Raises()
    {
        var provided = Names.Append("sentiment").ToArray();

        var error = Assert.Throws<ModelFeatureMismatchException>(() => Model.Check(provided, Values(29)));

        Assert.Equal((28, 29), (error.Expected.Count, error.Provided.Count));
        Assert.Contains("extra sentiment", error.Message);
    }

    [Fact]
    public void Check_SameFeaturesReordered_Raises()
    {
        var provided = Names.ToArray();
        (provided[0], provided[1]) = (provided[1], provided[0]);

        var error = Assert.Throws<ModelFeatureMismatchException>(() => Model.Check(provided, Values(28)));

        Assert.Empty(error.MissingFeatures);
        Assert.Contains("same names in another order", error.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Check_NonFiniteValue_RaisesNamingTheFeature(float bad)
    {
        var values = Values(28);
        values[26] = bad;

        var error = Assert.Throws<ModelFeatureMismatchException>(() => Model.Check(Names, values));

        Assert.Equal(["beta_60"], error.NonFinite);
    }

    private static float[] Values(int count) => Enumerable.Range(0, count).Select(i => i * 0.01f).ToArray();
}
