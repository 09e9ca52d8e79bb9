using AlphaHost.Plugins.MlAlpha.Contracts;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Tests.Families.MlAlpha;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Robustness;

/// <summary>
/// The ML family's readers against malformed input: every contract in <c>Corpus/contract</c> and every
/// <c>model_meta.json</c> in <c>Corpus/model_meta</c>, each with its <c>.expect</c> (the error it must produce). A reader
/// either succeeds or raises its own error, one line naming the file and the key: never another exception.
/// </summary>
public sealed class ModelInputCorpusTests : IDisposable
{
    private static readonly string Corpus = Path.Combine(TestPaths.TestSource, "Robustness", "Corpus");

    private readonly TempDir _dir = new();

    public static TheoryData<string> ContractFiles() => Files("contract");

    public static TheoryData<string> MetaFiles() => Files("model_meta");

    [Theory]
    [MemberData(nameof(ContractFiles))]
    public void Load_ContractCorpusFile_IsRefusedWithOneLineNamingTheFileAndTheProblem(string name)
    {
        var path = Path.Combine(Corpus, "contract", name);

        var error = Assert.Throws<FeatureContractException>(() => FeatureContract.Load(path));

        Assert.StartsWith($"{path}: ", error.Message);
        Assert.Contains(Expect(path), error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [MemberData(nameof(MetaFiles))]
    public void Load_MetadataCorpusFile_IsRefusedWithItsCodeInOneLineNamingTheFolderAndKey(string name)
    {
        var folder = _dir.File("AAA_v1_20260123_190000");
        TempDir.CopyDirectory(TrainedModels.Summary.Trained[0].Location, folder);
        var source = Path.Combine(Corpus, "model_meta", name);
        File.WriteAllText(Path.Combine(folder, ModelStore.MetaFile),
            File.ReadAllText(source).Replace("$MODEL_SHA256", ModelLoader.Sha256(Path.Combine(folder, ModelStore.ModelFile)), StringComparison.Ordinal));
        var expect = Expect(source);
        var code = expect[..expect.IndexOf(": ", StringComparison.Ordinal)];

        // Legacy mode reads furthest: metadata without meta_sha256 is served as declared there.
        var error = Assert.Throws<ModelLoadException>(() => ModelLoader.Load("AAA", folder, TrainedModels.Contract, allowLegacy: true, legacyScale: 0.01));
        var check = ModelValidator.Validate(folder, TrainedModels.Contract);

        Assert.Equal(code, error.Code);
        Assert.Contains(expect[(code.Length + 2)..], error.Problem);
        Assert.StartsWith($"{folder}: ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.False(check.IsOk);
    }

    [Fact]
    public void Load_ContractThatIsEndless_IsRefusedAtItsSizeBoundNamingTheFile()
    {
        var path = _dir.File("feature_contract_ml_v1.json");
        File.CreateSymbolicLink(path, "/dev/zero");

        var error = Assert.Throws<FeatureContractException>(() => FeatureContract.Load(path));

        Assert.Equal($"{path}: cannot read the contract: more than 1,048,576 bytes; not a file of this kind", error.Message);
    }

    public void Dispose() => _dir.Dispose();

    private static TheoryData<string> Files(string kind) =>
        new(Directory.GetFiles(Path.Combine(Corpus, kind), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    private static string Expect(string path) => File.ReadAllText(Path.ChangeExtension(path, ".expect")).Trim();
}
