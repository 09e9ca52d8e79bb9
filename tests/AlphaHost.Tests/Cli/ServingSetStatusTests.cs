using AlphaHost.Host.Cli;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Cli;

public sealed class ServingSetStatusTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Read_LatestMovedAfterTheDaemonLoaded_ListsTheSymbolAndTheTrainingRange()
    {
        var models = _dir.File("models");
        Directory.CreateDirectory(Path.Combine(models, "AAA_v1_20261101_000000"));
        Directory.CreateDirectory(Path.Combine(models, "AAA_v1_20261120_000000"));
        Directory.CreateDirectory(Path.Combine(models, "AAB_v1_20261110_000000"));
        Directory.CreateSymbolicLink(Path.Combine(models, "AAA_v1_latest"), "AAA_v1_20261120_000000");
        Directory.CreateSymbolicLink(Path.Combine(models, "AAB_v1_latest"), "AAB_v1_20261110_000000");
        _dir.Write("state/serving.json", $$$"""
            {"updated_at": "2026-11-21T08:00:00Z", "models_dir": "{{{models}}}", "count": 2,
             "models": {
               "AAA": {"folder": "AAA_v1_20261101_000000", "model_sha256": "aa", "trained_at": "2026-11-01T00:00:00Z", "legacy": false, "latest": "{{{Path.Combine(models, "AAA_v1_latest")}}}"},
               "AAB": {"folder": "AAB_v1_20261110_000000", "model_sha256": "bb", "trained_at": "2026-11-10T00:00:00Z", "legacy": false, "latest": "{{{Path.Combine(models, "AAB_v1_latest")}}}"}},
             "refused": {"AAC": "HASH MISMATCH"}}
            """);

        var status = ServingSetStatus.Read(_dir.File("state"))!;

        Assert.Equal(2, status.Count);
        Assert.Equal((DateTimeOffset.Parse("2026-11-01T00:00:00Z"), DateTimeOffset.Parse("2026-11-10T00:00:00Z")), (status.OldestTrainedAt, status.NewestTrainedAt));
        Assert.Equal([new LatestDifference("AAA", "AAA_v1_20261101_000000", "AAA_v1_20261120_000000")], status.DiffersFromLatest);
        Assert.Contains("_latest:    in the models folder: 1 symbol(s) serve another model than their _latest (the daemon picks it up at its next model scan): AAA serving AAA_v1_20261101_000000, _latest -> AAA_v1_20261120_000000", status.Describe());
        Assert.Equal("HASH MISMATCH", status.Refused["AAC"]);
    }

    public void Dispose() => _dir.Dispose();
}
