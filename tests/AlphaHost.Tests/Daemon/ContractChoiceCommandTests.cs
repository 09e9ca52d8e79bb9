using System.Text.Json;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary><c>train --contract</c>, the contract a model declares, and <c>contract diff</c> of a model or of two contracts.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class ContractChoiceCommandTests : IDisposable
{
    private static readonly string Symbols = string.Join(',', Enumerable.Range(0, 20).Select(i => $"A{(char)('A' + (i / 26))}{(char)('A' + (i % 26))}"));
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Train_ContractMlV2_TheModelDeclaresItAndOnlyAFamilyServingMlV2AcceptsIt()
    {
        var v1 = _dir.Write("v1.yaml", TestConfigs.GoldenBesideRuntime().Replace("      scope: universe ", "      trees: 20\n      scope: universe "));
        var v2 = _dir.Write("v2.yaml", File.ReadAllText(v1).Replace("    mode: live", "    contract: ml_v2\n    mode: live"));

        var (trained, train) = await HostProcess.RunAsync(_dir.Path, "train", "--symbols", Symbols, "--end", "2017-12-29", "--contract", "ml_v2", "--config", v1);
        train.Dispose();
        var (refusedExit, refused) = await HostProcess.RunAsync(_dir.Path, "contract", "diff", "UNIVERSE_v2_latest", "--config", v1);
        refused.Dispose();
        var (matchExit, match) = await HostProcess.RunAsync(_dir.Path, "contract", "diff", "UNIVERSE_v2_latest", "--config", v2);
        match.Dispose();
        var (validated, validate) = await HostProcess.RunAsync(_dir.Path, "models", "validate", "--config", v2);
        validate.Dispose();

        Assert.True(trained == 0, train.Stdout + train.Stderr);
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "models", "ml_alpha", "UNIVERSE_v2_latest", "model_meta.json")));
        Assert.Equal("ml_v2", meta.RootElement.GetProperty("contract").GetProperty("name").GetString());
        Assert.Equal(58, meta.RootElement.GetProperty("n_features").GetInt32());
        Assert.Equal(1, refusedExit);
        Assert.Contains("MISMATCH", refused.Stdout);
        Assert.Contains("kmid", refused.Stdout.Split('\n').Single(l => l.StartsWith("extra:", StringComparison.Ordinal)));
        Assert.True(matchExit == 0, match.Stdout + match.Stderr);
        Assert.Contains("MATCH", match.Stdout);
        Assert.True(validated == 0, validate.Stdout + validate.Stderr);
        Assert.Matches(@"OK: UNIVERSE_v2_\d{8}_\d{6}: 58 features", validate.Stdout);
    }

    [Fact]
    public async Task Train_UnknownContract_SaysSoInOneLineAndWritesNoModel()
    {
        var config = _dir.Write("golden.yaml", TestConfigs.GoldenBesideRuntime());

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "train", "--symbols", Symbols, "--contract", "ml_v9", "--config", config);
        using var _ = host;

        Assert.NotEqual(0, exit);
        Assert.Contains("feature_contract_ml_v9.json", host.Stderr);
        Assert.DoesNotContain("   at ", host.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "models", "ml_alpha")) && Directory.EnumerateDirectories(Path.Combine(_dir.Path, "models", "ml_alpha")).Any());
    }

    [Theory]
    [InlineData("ml_v2", 1, "MISMATCH")]
    [InlineData("ml_v1", 0, "MATCH")]
    public async Task ContractDiff_TwoContracts_ListsTheSecondsFeaturesBesideTheFirsts(string other, int expectedExit, string verdict)
    {
        var config = _dir.Write("golden.yaml", TestConfigs.GoldenBesideRuntime());

        var (exit, host) = await HostProcess.RunAsync(_dir.Path, "contract", "diff", "ml_v1", other, "--config", config);
        using var _ = host;

        Assert.True(exit == expectedExit, host.Stdout + host.Stderr);
        var lines = host.Stdout.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Equal(verdict, lines.Last(l => l.Length > 0));
        Assert.Contains("missing: none", lines);
        Assert.Contains("moved:   none", lines);
        Assert.Equal(other == "ml_v2", lines.Single(l => l.StartsWith("extra:", StringComparison.Ordinal)).Contains("ret_20d_sector_rel", StringComparison.Ordinal));
    }

    public void Dispose() => _dir.Dispose();
}
