using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Families.MlAlpha;

/// <summary>A serving set's two names: its version (which folders serve) and its content (which bytes serve).</summary>
public sealed class ModelSetTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Content_SameModelsCopiedIntoAnotherModelsFolderUnderAnotherName_IsTheSame_WhileTheVersionDiffers()
    {
        var models = TrainedModels.CopyTo(_dir.File("models/ml_candidate"));
        var store = new ModelStore(models, "v1", TimeProvider.System);
        var original = Path.Combine(models, store.CurrentFolder("AAA")!);
        var copy = _dir.File("models/ml_alpha/AAA_v1_20990101_000000");
        TempDir.CopyDirectory(original, copy);

        var candidate = Set(("AAA", original), ("AAB", Path.Combine(models, store.CurrentFolder("AAB")!)));
        var promoted = Set(("AAA", copy), ("AAB", Path.Combine(models, store.CurrentFolder("AAB")!)));

        Assert.Equal(candidate.Content, promoted.Content);
        Assert.NotEqual(candidate.Version, promoted.Version);
        Assert.Matches("^sha256-[0-9a-f]{64}$", candidate.Content);
    }

    [Fact]
    public void Content_OtherModelBytesInTheSameFolder_Differs()
    {
        var models = TrainedModels.CopyTo(_dir.File("models/ml_alpha"));
        var loaded = ModelLoader.Load("AAA", Path.Combine(models, new ModelStore(models, "v1", TimeProvider.System).CurrentFolder("AAA")!), TrainedModels.Contract, false, 1);

        var one = new ModelSet(new Dictionary<string, ServingModel> { ["AAA"] = loaded }, new Dictionary<string, ModelLoadException>());
        var other = new ModelSet(new Dictionary<string, ServingModel> { ["AAA"] = loaded with { ModelSha256 = new string('0', 64) } }, new Dictionary<string, ModelLoadException>());

        Assert.NotEqual(one.Content, other.Content);
    }

    public void Dispose() => _dir.Dispose();

    private static ModelSet Set(params (string Symbol, string Folder)[] models) =>
        new(models.ToDictionary(m => m.Symbol, m => ModelLoader.Load(m.Symbol, m.Folder, TrainedModels.Contract, false, 1)), new Dictionary<string, ModelLoadException>());
}
