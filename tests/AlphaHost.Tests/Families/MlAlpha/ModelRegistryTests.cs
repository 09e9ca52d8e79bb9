using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Families.MlAlpha;

/// <summary>The registry of switches: promote, roll back, history and prune on a copy of trained models.</summary>
public sealed class ModelRegistryTests : IDisposable
{
    private const string Newer = "AAA_v1_20990101_000000";
    private const string Newest = "AAA_v1_20990202_000000";
    private static readonly SwitchOrigin Operator = new("ops", "candidate passed burn-in", "alphahost models promote AAA --to x --reason 'candidate passed burn-in'");
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public ModelRegistryTests()
    {
        TrainedModels.CopyTo(Models);
        Trained = Store.CurrentFolder("AAA")!;
        TempDir.CopyDirectory(Path.Combine(Models, Trained), Path.Combine(Models, Newer));
        TempDir.CopyDirectory(Path.Combine(Models, Trained), Path.Combine(Models, Newest));
    }

    private string Models => _dir.File("models");

    private string Trained { get; }

    private ModelStore Store => new(Models, "v1", _clock);

    private ModelRegistry Registry => new(Store, TrainedModels.Contract, _dir.File("state/serving.json"));

    [Fact]
    public void Promote_ValidFolder_SwitchesLatestAndRecordsWhenWhoWhyFromToHashesAndCommand()
    {
        var sha = Store.ModelSha256(Trained);

        var entry = Registry.Promote("AAA", Path.Combine(Models, Newer), Operator);

        Assert.Equal(Newer, Store.CurrentFolder("AAA"));
        var recorded = Registry.History("AAA")[^1];
        Assert.Equal(entry, recorded);
        Assert.Equal(new ModelSwitch(_clock.GetUtcNow(), "promote", "AAA", Trained, Newer, sha, sha, "ops", "candidate passed burn-in", Operator.Command), recorded);
        Assert.Equal(TrainedModels.Summary.Trained.Count + 1, Registry.History(null).Count);
        Assert.All(Registry.History(null).SkipLast(1), e => Assert.Equal("train", e.Action));
    }

    [Theory]
    [InlineData("BAD META")]
    [InlineData("OTHER SYMBOL")]
    [InlineData("BAD TARGET")]
    [InlineData("LATEST LINK")]
    public void Promote_BadTargetOrFolder_RefusedWithLinkAndJournalAsTheyWere(string fault)
    {
        var (target, folder) = fault switch
        {
            "BAD META" => ("AAA", Newer),
            "OTHER SYMBOL" => ("AAA", Store.CurrentFolder("AAB")!),
            "BAD TARGET" => ("../AAA", Newer),
            _ => ("AAA", "AAA_v1_latest"),
        };
        if (fault == "BAD META")
        {
            ModelFiles.DropFeatures(Path.Combine(Models, Newer, ModelStore.MetaFile), 4);
        }

        var journal = File.ReadAllBytes(Store.Journal.Path);

        var refused = Assert.Throws<ModelSwitchRefusedException>(() => Registry.Promote(target, Path.Combine(Models, folder), Operator));

        Assert.Equal(Trained, Store.CurrentFolder("AAA"));
        Assert.Equal(journal, File.ReadAllBytes(Store.Journal.Path));
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public void Promote_FolderOfAnotherModelsFolder_IsCopiedInUnderItsNameThenServed()
    {
        var candidate = Path.Combine(_dir.File("candidate"), "AAA_v1_20990303_000000");
        TempDir.CopyDirectory(Path.Combine(Models, Trained), candidate);

        var entry = Registry.Promote("AAA", candidate, Operator);

        Assert.Equal(("AAA_v1_20990303_000000", "AAA_v1_20990303_000000"), (entry.To, Store.CurrentFolder("AAA")));
        Assert.Null(new DirectoryInfo(Path.Combine(Models, entry.To)).LinkTarget);
        Assert.Equal(File.ReadAllBytes(Path.Combine(candidate, ModelStore.ModelFile)), File.ReadAllBytes(Path.Combine(Models, entry.To, ModelStore.ModelFile)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(candidate, ModelStore.MetaFile)), File.ReadAllBytes(Path.Combine(Models, entry.To, ModelStore.MetaFile)));
        Assert.Empty(Directory.GetFileSystemEntries(Models, ".tmp-*"));
    }

    [Fact]
    public void Promote_BrokenFolderOfAnotherModelsFolder_RefusedAndNothingCopied()
    {
        var candidate = Path.Combine(_dir.File("candidate"), "AAA_v1_20990303_000000");
        TempDir.CopyDirectory(Path.Combine(Models, Trained), candidate);
        File.WriteAllText(Path.Combine(candidate, ModelStore.ModelFile), "tampered");
        var journal = File.ReadAllBytes(Store.Journal.Path);

        var refused = Assert.Throws<ModelSwitchRefusedException>(() => Registry.Promote("AAA", candidate, Operator));

        Assert.StartsWith($"{candidate}: HASH MISMATCH", refused.Message);
        Assert.False(Directory.Exists(Path.Combine(Models, "AAA_v1_20990303_000000")));
        Assert.Equal(Trained, Store.CurrentFolder("AAA"));
        Assert.Equal(journal, File.ReadAllBytes(Store.Journal.Path));
    }

    [Fact]
    public void Promote_RunAgainAfterItCompleted_SucceedsWithoutASecondRecord()
    {
        var first = Registry.Promote("AAA", Path.Combine(Models, Newer), Operator);
        var lines = Registry.History(null).Count;

        var again = Registry.Promote("AAA", Path.Combine(Models, Newer), Operator);

        Assert.Equal(first, again);
        Assert.Equal(lines, Registry.History(null).Count);
    }

    [Fact]
    public void Rollback_AfterTwoPromotions_WalksBackOneAtATime_ThenRefusesAtTheFirstModel()
    {
        Registry.Promote("AAA", Path.Combine(Models, Newer), Operator);
        Registry.Promote("AAA", Path.Combine(Models, Newest), Operator);

        var first = Registry.Rollback("AAA", Operator with { Reason = "live IC below backtest" });
        var second = Registry.Rollback("AAA", Operator);

        Assert.Equal(("rollback", Newest, Newer), (first.Action, first.From, first.To));
        Assert.Equal(("rollback", Newer, Trained), (second.Action, second.From, second.To));
        Assert.Equal(Trained, Store.CurrentFolder("AAA"));
        Assert.Throws<ModelSwitchRefusedException>(() => Registry.Rollback("AAA", Operator));
        Assert.Equal(Trained, Store.CurrentFolder("AAA"));
    }

    [Fact]
    public void Rollback_PreviousFolderNoLongerValid_RefusedAndStillServingTheCurrentOne()
    {
        Registry.Promote("AAA", Path.Combine(Models, Newer), Operator);
        File.WriteAllText(Path.Combine(Models, Trained, ModelStore.ModelFile), "tampered");

        var refused = Assert.Throws<ModelSwitchRefusedException>(() => Registry.Rollback("AAA", Operator));

        Assert.Contains(ModelLoadException.HashMismatch, refused.Message);
        Assert.Equal(Newer, Store.CurrentFolder("AAA"));
    }

    [Fact]
    public void Prune_KeepOne_RemovesOnlyFoldersNeitherLatestNorServingNorInTheLastSwitch()
    {
        var unrecorded = "AAB_v1_20000101_000000";
        var served = "AAC_v1_20000101_000000";
        TempDir.CopyDirectory(Path.Combine(Models, Trained), Path.Combine(Models, unrecorded));
        TempDir.CopyDirectory(Path.Combine(Models, Trained), Path.Combine(Models, served));
        _dir.Write("state/serving.json", "{\"models\": {\"AAC\": {\"folder\": \"" + served + "\"}}}");
        Registry.Promote("AAA", Path.Combine(Models, Newer), Operator);
        Registry.Promote("AAA", Path.Combine(Models, Newest), Operator);

        var dry = Registry.Prune(keep: 1, dryRun: true);
        Assert.True(Directory.Exists(Path.Combine(Models, Trained)));
        var pruned = Registry.Prune(keep: 1, dryRun: false);

        Assert.Equal([Trained, unrecorded], pruned.Removed.Order(StringComparer.Ordinal));
        Assert.Equal(dry.Removed, pruned.Removed);
        Assert.False(Directory.Exists(Path.Combine(Models, Trained)));
        Assert.All(new[] { Newer, Newest, served }, f => Assert.True(Directory.Exists(Path.Combine(Models, f)), f));
        Assert.All(TrainedModels.Summary.Trained.Where(m => m.Symbol != "AAA"), m => Assert.NotNull(Store.CurrentFolder(m.Symbol)));
        Assert.Empty(Directory.GetFileSystemEntries(Models, ".tmp-*"));
    }

    [Fact]
    public void Recover_JournalLineWrittenButLinkNotSwitched_CompletesTheSwitch()
    {
        Store.Journal.Append(new ModelSwitch(_clock.GetUtcNow(), "promote", "AAA", Trained, Newer, null, null, "ops", "interrupted", "alphahost models promote"));

        var completed = Store.Recover();

        Assert.Equal(Newer, Assert.Single(completed).To);
        Assert.Equal(Newer, Store.CurrentFolder("AAA"));
    }

    [Fact]
    public void Stamp_LinkSwitchedAfterItsJournalLine_ChangesAgain_SoADaemonThatLookedInBetweenLooksOnceMore()
    {
        // A switch writes its journal line first and moves the link after it: a daemon may scan in between (seeing the
        // new line and the old link). The stamp it keeps must still change when the link moves, or it never rescans.
        Store.Journal.Append(new ModelSwitch(_clock.GetUtcNow(), "promote", "AAA", Trained, Newer, null, null, "ops", "in progress", "alphahost models promote"));
        var seenBetween = Store.Journal.Stamp();

        Store.Recover();

        Assert.Equal(Newer, Store.CurrentFolder("AAA"));
        Assert.NotEqual(seenBetween, Store.Journal.Stamp());
    }

    [Fact]
    public void Recover_LinkChangedByHandAfterTheLastSwitch_LeftAsItIs()
    {
        File.Delete(Path.Combine(Models, "AAA_v1_latest"));
        Directory.CreateSymbolicLink(Path.Combine(Models, "AAA_v1_latest"), Newest);

        Assert.Empty(Store.Recover());
        Assert.Equal(Newest, Store.CurrentFolder("AAA"));
    }

    [Fact]
    public void Journal_LastLineCutShortByACrash_SkippedAndTheNextSwitchStartsOnItsOwnLine()
    {
        File.AppendAllText(Store.Journal.Path, """{"at":"2026-12-01T12:00:00+00:00","action":"prom""");

        Registry.Promote("AAA", Path.Combine(Models, Newer), Operator);

        var history = Store.Journal.Read(out var unreadable);
        Assert.Equal(1, unreadable);
        Assert.Equal(Newer, history[^1].To);
    }

    public void Dispose() => _dir.Dispose();
}
