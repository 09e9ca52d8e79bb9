using System.Text.Json.Nodes;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Families.MlAlpha;

public sealed class ModelLoaderTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _folder;

    public ModelLoaderTests()
    {
        var source = TrainedModels.Summary.Trained[0].Location;
        _folder = _dir.File("AAA_v1_20260123_190000");
        TempDir.CopyDirectory(source, _folder);
    }

    private string ModelPath => Path.Combine(_folder, ModelStore.ModelFile);

    private string MetaPath => Path.Combine(_folder, ModelStore.MetaFile);

    [Fact]
    public void Load_IntactModel_ServesTheContractsFeatures()
    {
        var model = Load();

        Assert.Equal(TrainedModels.Contract.Names, model.Features);
        Assert.Equal(28, model.Model.Width);
        Assert.False(model.IsLegacy);
    }

    [Fact]
    public void Load_ModelFileDiffersFromItsRecordedHash_RefusedAsHashMismatch()
    {
        var bytes = File.ReadAllBytes(ModelPath);
        bytes[^10] ^= 0x01;
        File.WriteAllBytes(ModelPath, bytes);

        Assert.Equal(ModelLoadException.HashMismatch, Assert.Throws<ModelLoadException>(Load).Code);
    }

    [Fact]
    public void Load_TruncatedModelWhoseHashWasUpdated_RefusedAsUnreadable()
    {
        File.WriteAllBytes(ModelPath, File.ReadAllBytes(ModelPath)[..100]);
        Edit(meta => meta["model_sha256"] = ModelLoader.Sha256(ModelPath));

        Assert.Equal(ModelLoadException.Unreadable, Assert.Throws<ModelLoadException>(Load).Code);
    }

    [Fact]
    public void Load_MetadataMissing_RefusedUnlessLegacyModelsAreAllowed()
    {
        File.Delete(MetaPath);

        Assert.Equal(ModelLoadException.MissingMeta, Assert.Throws<ModelLoadException>(Load).Code);
        Assert.True(ModelLoader.Load("AAA", _folder, TrainedModels.Contract, allowLegacy: true, legacyScale: 0.01).IsLegacy);
    }

    [Theory]
    [InlineData("n_features", "\"many\"")]
    [InlineData("features", "\"ret_1d\"")]
    [InlineData("signal", "null")]
    public void Load_MetadataWithWrongTypes_RefusedAsBadMeta(string key, string json)
    {
        Edit(meta => meta[key] = JsonNode.Parse(json));

        Assert.Equal(ModelLoadException.BadMeta, Assert.Throws<ModelLoadException>(Load).Code);
    }

    [Fact]
    public void Load_NFeaturesDisagreesWithTheList_RefusedAsBadNFeatures()
    {
        Edit(meta => meta["n_features"] = 27);

        Assert.Equal(ModelLoadException.BadNFeatures, Assert.Throws<ModelLoadException>(Load).Code);
    }

    [Fact]
    public void Load_TrainedOnOtherFeatureDefinitions_RefusedAsContractHashMismatch()
    {
        Edit(meta => meta["contract"]!["hash"] = new string('0', 64));

        Assert.Equal(ModelLoadException.ContractHashMismatch, Assert.Throws<ModelLoadException>(Load).Code);
    }

    public void Dispose() => _dir.Dispose();

    private ServingModel Load() => ModelLoader.Load("AAA", _folder, TrainedModels.Contract, allowLegacy: false, legacyScale: 0.01);

    private void Edit(Action<JsonObject> change)
    {
        var meta = JsonNode.Parse(File.ReadAllText(MetaPath))!.AsObject();
        change(meta);
        File.WriteAllText(MetaPath, meta.ToJsonString());
    }
}
