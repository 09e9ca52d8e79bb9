using AlphaHost.Host.Cli;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Cli;

/// <summary>The offline commands' session: the daemon's family lifecycle with in-process endpoints.</summary>
public sealed class OfflineSessionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public OfflineSessionTests()
    {
        TempDir.CopyDirectory(Path.Combine(TestPaths.FixturePlugins, "FailingInit"), _dir.File("plugins/FailingInit"));
        TempDir.CopyDirectory(Path.Combine(TestPaths.ShippedPlugins, "Momentum"), _dir.File("plugins/Momentum"));
        TempDir.CopyDirectory(Path.Combine(TestPaths.ShippedPlugins, "MlAlpha"), _dir.File("plugins/MlAlpha"));
    }

    [Fact]
    public async Task OpenAsync_WithACapability_StartsOnlyTheFamiliesThatDeclareIt()
    {
        await using var session = await OfflineSession.OpenAsync(Config(), CancellationToken.None, capability: typeof(Abstractions.IFeatureSource));

        // The family that cannot initialize was never started, so nothing failed: only the capable family ran any code.
        Assert.Equal(["ml_alpha"], session.Families.Select(f => f.Name));
        Assert.Equal(["ml_alpha"], session.Declared.Select(s => s.Name));
    }

    [Fact]
    public async Task OpenAsync_WithoutStart_DeclaresEveryInstanceAndStartsNone()
    {
        await using var session = await OfflineSession.OpenAsync(Config(), CancellationToken.None, start: false);

        Assert.Equal(["failing_init", "ml_alpha", "momentum"], session.Declared.Select(s => s.Name));
        Assert.All(session.Declared, s => Assert.True(s.Endpoint is null && s.Starting is null && s.StartFailure is null));
        Assert.Empty(session.Families);
    }

    [Fact]
    public async Task OpenAsync_FamilyDisabledByConfigOrFailingToInitialize_TheDisabledStartsAndTheFailingIsLeftOut()
    {
        await using var session = await OfflineSession.OpenAsync(Config("  momentum: {enabled: false}\n"), CancellationToken.None);

        Assert.Equal(["ml_alpha", "momentum"], session.Families.Select(f => f.Name));
        Assert.Equal("failed to initialize: InvalidOperationException: cannot open my model store", session.Declared.Single(s => s.Name == "failing_init").StartFailure);
    }

    public void Dispose() => _dir.Dispose();

    private Host.Configuration.AlphaHostConfig Config(string more = "  momentum: {}\n") => Handles.Config(
        $"host:\n  plugins_dir: {_dir.File("plugins")}\n  runtime_dir: {_dir.File("runtime")}\nfamilies:\n{more}  ml_alpha:\n    models_dir: {_dir.File("models")}\n  failing_init:\n    failure: throw\n");
}
