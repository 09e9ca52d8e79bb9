using System.IO.Compression;
using System.Text.Json.Nodes;
using AlphaHost.Plugins.MlAlpha.Contracts;
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
        ModelFiles.Rewrite(MetaPath, meta => meta with { ModelSha256 = ModelLoader.Sha256(ModelPath) });

        Assert.Equal(ModelLoadException.Unreadable, Assert.Throws<ModelLoadException>(Load).Code);
    }

    [Fact]
    public async Task Load_MetadataIsAFifo_RefusedAsBadMetaWithoutWaitingForAWriter()
    {
        File.Delete(MetaPath);
        Market.BarFolderEntryTests.MakeFifo(MetaPath);

        // A blocked open never returns: the wait gives up (TimeoutException) instead of hanging the suite.
        var refused = await Task.Run(() => Assert.Throws<ModelLoadException>(Load)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ModelLoadException.BadMeta, refused.Code);
        Assert.Contains("not a regular file", refused.Message);
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
        ModelFiles.Rewrite(MetaPath, meta => meta with { Contract = meta.Contract with { Hash = new string('0', 64) } });

        Assert.Equal(ModelLoadException.ContractHashMismatch, Assert.Throws<ModelLoadException>(Load).Code);
    }

    [Fact]
    public void Load_ModelDeclaringAnotherContract_RefusedNamingBothContracts()
    {
        // An ml_v1 model offered to a family serving ml_v2: its 28 features are not the 58 served, so without the check
        // it was loaded as declared and every prediction failed the feature check.
        var v2 = FeatureContract.LoadNamed(Path.Combine(TestPaths.RepoRoot, "contracts"), "ml_v2");

        var error = Assert.Throws<ModelLoadException>(() => ModelLoader.Load("AAA", _folder, v2, allowLegacy: false, legacyScale: 0.01));

        Assert.Equal(ModelLoadException.ContractHashMismatch, error.Code);
        Assert.Contains("ml_v1", error.Message);
        Assert.Contains("ml_v2", error.Message);
    }

    [Fact]
    public void Load_ModelTrainedOnTheServedContract_LoadsWithItsContract()
    {
        var model = ModelLoader.Load("AAA", _folder, TrainedModels.Contract, allowLegacy: false, legacyScale: 0.01);

        Assert.Equal("ml_v1", model.Meta!.Contract.Name);
        Assert.Equal(TrainedModels.Contract.Hash, model.Meta.Contract.Hash);
    }

    [Theory]
    [InlineData("signal", "scale", "1e-300")]
    [InlineData("signal", "rule", "\"signal = prediction\"")]
    [InlineData(null, "dtype", "\"float64\"")]
    [InlineData("contract", "hash", "\"0000000000000000000000000000000000000000000000000000000000000000\"")]
    [InlineData(null, "model_sha256", "\"0000000000000000000000000000000000000000000000000000000000000000\"")]
    public void Load_MetadataFieldEditedAfterTraining_RefusedAsMetaHashMismatch(string? section, string key, string json)
    {
        Edit(meta => (section is null ? meta : meta[section]!.AsObject())[key] = JsonNode.Parse(json));

        var error = Assert.Throws<ModelLoadException>(Load);

        Assert.Equal(ModelLoadException.MetaHashMismatch, error.Code);
        Assert.Contains("model_meta.json was changed after training", error.Problem);
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(1e-9)]
    [InlineData(1e6)]
    public void Load_ResealedSignalScaleTheTreesCannotProduce_RefusedAsBadMeta(double scale)
    {
        // A scale far below the trees' spread pins every signal at +-1 (full weight); far above, at 0. The meta hash
        // cannot catch it when the metadata was resealed with the trainer's own rule.
        ModelFiles.Rewrite(MetaPath, meta => meta with { Signal = meta.Signal with { Scale = scale } });

        var error = Assert.Throws<ModelLoadException>(Load);

        Assert.Equal(ModelLoadException.BadMeta, error.Code);
        Assert.Contains("signal.scale", error.Problem);
        Assert.Contains("can produce", error.Problem);
    }

    [Fact]
    public void Load_EveryTrainedModelsSignalScale_IsWithinTheRangeItsTreesCanProduce()
    {
        foreach (var trained in TrainedModels.Summary.Trained)
        {
            var model = ModelLoader.Load(trained.Symbol, trained.Location, TrainedModels.Contract, allowLegacy: false, legacyScale: 0.01);
            var span = Assert.IsType<TreeEnsemble>(model.Model).OutputSpan;

            Assert.InRange(model.Signal.Scale, span * SignalRule.MinShareOfSpan, span / 2);
        }
    }

    [Fact]
    public void Load_FeaturesReorderedAfterTraining_RefusedAsMetaHashMismatch()
    {
        Edit(meta =>
        {
            var features = meta["features"]!.AsArray();
            var first = features[0]!.GetValue<string>();
            features[0] = features[1]!.GetValue<string>();
            features[1] = first;
        });

        Assert.Equal(ModelLoadException.MetaHashMismatch, Assert.Throws<ModelLoadException>(Load).Code);
    }

    [Fact]
    public void Load_MetadataReformattedOnly_StillServes()
    {
        Edit(_ => { });

        Assert.False(Load().IsLegacy);
    }

    [Fact]
    public void Load_MetadataWrittenBeforeItWasHashed_RefusedAsLegacyMetaUnlessLegacyModelsAreAllowed()
    {
        Edit(meta => meta.Remove("meta_sha256"));

        Assert.Equal(ModelLoadException.LegacyMeta, Assert.Throws<ModelLoadException>(Load).Code);
        var legacy = ModelLoader.Load("AAA", _folder, TrainedModels.Contract, allowLegacy: true, legacyScale: 0.01);
        Assert.True(legacy.IsLegacy);
        Assert.Equal(TrainedModels.Contract.Names, legacy.Features);
    }

    [Fact]
    public void Load_ArchiveWithAnEntryPastTheSizeLimitAndAMatchingHash_RefusedAsBadArchiveBeforeExtraction()
    {
        // 300 MiB of zeros deflate to about 300 KB: the 4 GiB entry in 4 MB, scaled down past the 256 MiB limit.
        WriteArchive(("TransformerChain/Model/Model.key", ModelArchive.MaxUncompressedBytes + (44L << 20)));

        var error = Assert.Throws<ModelLoadException>(Load);

        Assert.Equal(ModelLoadException.BadArchive, error.Code);
        Assert.Contains("TransformerChain/Model/Model.key", error.Problem);
    }

    [Fact]
    public void Load_ArchiveEntryThatExpandsAThousandTimes_RefusedAsBadArchive()
    {
        WriteArchive(("Schema", 2L << 20));

        var error = Assert.Throws<ModelLoadException>(Load);

        Assert.Equal(ModelLoadException.BadArchive, error.Code);
        Assert.Contains("expands", error.Problem);
    }

    [Theory]
    [InlineData("../../tmp/evil")]
    [InlineData("/etc/evil")]
    [InlineData("Model\\..\\..\\evil")]
    public void Load_ArchiveEntryNamingAPathOutsideTheArchive_RefusedAsBadArchive(string entry)
    {
        WriteArchive((entry, 10L));

        var error = Assert.Throws<ModelLoadException>(Load);

        Assert.Equal(ModelLoadException.BadArchive, error.Code);
        Assert.Contains("names a path outside the archive", error.Problem);
    }

    [Fact]
    public void Load_ArchiveWithTooManyEntries_RefusedAsBadArchive()
    {
        WriteArchive(Enumerable.Range(0, ModelArchive.MaxEntries + 1).Select(i => ($"e{i}", 10L)).ToArray());

        Assert.Equal(ModelLoadException.BadArchive, Assert.Throws<ModelLoadException>(Load).Code);
    }

    [Fact]
    public void Load_ArchiveEntryHoldingMoreThanItDeclares_ReadOnlyUpToItsDeclaredSizeAndRefused()
    {
        WriteArchive(("Schema", 512L << 10));
        DeclareSmallerSizes(ModelPath, 1000);
        ModelFiles.Rewrite(MetaPath, meta => meta with { ModelSha256 = ModelLoader.Sha256(ModelPath) });

        var error = Assert.Throws<ModelLoadException>(Load);

        Assert.Equal(ModelLoadException.Unreadable, error.Code);
        Assert.Contains("not a readable model", error.Problem);
    }

    [Fact]
    public void Load_ModelFileIsALinkToAFileOutsideTheFolder_Refused()
    {
        var outside = _dir.File("outside.zip");
        File.Move(ModelPath, outside);
        File.CreateSymbolicLink(ModelPath, outside);

        var error = Assert.Throws<ModelLoadException>(Load);

        Assert.Equal(ModelLoadException.Unreadable, error.Code);
        Assert.Contains("model.zip is a symbolic link", error.Problem);
    }

    public void Dispose() => _dir.Dispose();

    private ServingModel Load() => ModelLoader.Load("AAA", _folder, TrainedModels.Contract, allowLegacy: false, legacyScale: 0.01);

    /// <summary>Replaces model.zip by an archive of zero-filled entries and records its hash, as a tamperer who knows the format would.</summary>
    private void WriteArchive(params (string Name, long Bytes)[] entries)
    {
        using (var zip = ZipFile.Open(ModelPath + ".new", ZipArchiveMode.Create))
        {
            var zeros = new byte[1 << 20];
            foreach (var (name, bytes) in entries)
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                for (var left = bytes; left > 0; left -= zeros.Length)
                {
                    stream.Write(zeros, 0, (int)Math.Min(left, zeros.Length));
                }
            }
        }

        File.Move(ModelPath + ".new", ModelPath, overwrite: true);
        ModelFiles.Rewrite(MetaPath, meta => meta with { ModelSha256 = ModelLoader.Sha256(ModelPath) });
    }

    /// <summary>Rewrites the uncompressed size in every local and central header of a stored zip to <paramref name="declared"/>.</summary>
    private static void DeclareSmallerSizes(string path, uint declared)
    {
        var bytes = File.ReadAllBytes(path);
        for (var i = 0; i + 4 <= bytes.Length; i++)
        {
            var signature = BitConverter.ToUInt32(bytes, i);
            var offset = signature switch { 0x04034b50 => 22, 0x02014b50 => 24, _ => -1 };
            if (offset > 0)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(i + offset, 4), declared);
            }
        }

        File.WriteAllBytes(path, bytes);
    }

    private void Edit(Action<JsonObject> change)
    {
        var meta = JsonNode.Parse(File.ReadAllText(MetaPath))!.AsObject();
        change(meta);
        File.WriteAllText(MetaPath, meta.ToJsonString());
    }
}
