using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Families.MlAlpha;

public sealed class ModelStoreTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly DateTimeOffset _at = new(2026, 1, 23, 19, 0, 0, TimeSpan.Zero);

    private ModelStore Store => new(_dir.File("models"), "v1", TimeProvider.System);

    [Fact]
    public void Write_FailsPartWay_LeavesNoVisibleModelAndLatestOnThePreviousOne()
    {
        var previous = Store.Write("AAPL", _at, folder => File.WriteAllText(Path.Combine(folder, ModelStore.ModelFile), "v1"));

        Assert.Throws<IOException>(() => Store.Write("AAPL", _at.AddDays(1), folder =>
        {
            File.WriteAllText(Path.Combine(folder, ModelStore.ModelFile), "half");
            throw new IOException("disk full");
        }));

        Assert.Equal(["AAPL_v1_20260123_190000", "AAPL_v1_latest", SwitchJournal.FileName, "switches.lock"],
            Directory.GetFileSystemEntries(Store.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(previous, Store.ResolveLatest("AAPL", Path.Combine(Store.Root, "AAPL_v1_latest")));
    }

    [Fact]
    public void Write_SameSecondTwice_KeepsBothUnderDistinctNames()
    {
        var first = Store.Write("MSFT", _at, _ => { });
        var second = Store.Write("MSFT", _at, _ => { });

        Assert.NotEqual(first, second);
        Assert.Equal(second, Store.ResolveLatest("MSFT", Path.Combine(Store.Root, "MSFT_v1_latest")));
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("aapl")]
    [InlineData("A/B")]
    [InlineData("")]
    [InlineData("ABCDEFGHIJKLMNOP")]
    public void Write_SymbolThatIsNotASymbol_Refused(string symbol)
    {
        Assert.Throws<ArgumentException>(() => Store.Write(symbol, _at, _ => { }));
        Assert.False(Directory.Exists(Store.Root) && Directory.EnumerateFileSystemEntries(Store.Root).Any());
    }

    [Fact]
    public void ResolveLatest_LinkLeavingTheModelsFolderOrNamingAnotherSymbol_Refused()
    {
        Store.Write("XOM", _at, _ => { });
        Directory.CreateDirectory(_dir.File("elsewhere/AAPL_v1_x"));
        Directory.CreateSymbolicLink(_dir.File("models/AAPL_v1_latest"), "../elsewhere/AAPL_v1_x");
        Directory.CreateSymbolicLink(_dir.File("models/JPM_v1_latest"), "XOM_v1_20260123_190000");

        Assert.Equal(ModelLoadException.LinkOutside, Assert.Throws<ModelLoadException>(() => Store.ResolveLatest("AAPL", _dir.File("models/AAPL_v1_latest"))).Code);
        Assert.Equal(ModelLoadException.LinkOutside, Assert.Throws<ModelLoadException>(() => Store.ResolveLatest("JPM", _dir.File("models/JPM_v1_latest"))).Code);
    }

    [Fact]
    public void ResolveLatest_SecondLinkOfTheChainLeavesTheModelsFolder_RefusedNamingThatLink()
    {
        Directory.CreateDirectory(_dir.File("elsewhere/AAPL_v1_20260101_000000"));
        Directory.CreateDirectory(Store.Root);
        Directory.CreateSymbolicLink(_dir.File("models/AAPL_v1_hop"), _dir.File("elsewhere/AAPL_v1_20260101_000000"));
        Directory.CreateSymbolicLink(_dir.File("models/AAPL_v1_latest"), "AAPL_v1_hop");

        var error = Assert.Throws<ModelLoadException>(() => Store.ResolveLatest("AAPL", _dir.File("models/AAPL_v1_latest")));

        Assert.Equal(ModelLoadException.LinkOutside, error.Code);
        Assert.StartsWith($"AAPL_v1_hop -> {_dir.File("elsewhere/AAPL_v1_20260101_000000")} leads outside", error.Problem);
    }

    [Fact]
    public void ResolveLatest_HopIntoEtc_Refused()
    {
        Directory.CreateDirectory(Store.Root);
        Directory.CreateSymbolicLink(_dir.File("models/MSFT_v1_hop"), "/etc");
        Directory.CreateSymbolicLink(_dir.File("models/MSFT_v1_latest"), "MSFT_v1_hop");

        var error = Assert.Throws<ModelLoadException>(() => Store.ResolveLatest("MSFT", _dir.File("models/MSFT_v1_latest")));

        Assert.Equal(ModelLoadException.LinkOutside, error.Code);
        Assert.StartsWith("MSFT_v1_hop -> /etc", error.Problem);
    }

    [Fact]
    public void ResolveLatest_RelativeTargetThroughALinkAndDotDot_Refused()
    {
        // "MSFT_v1_out/../MSFT_v1_x" reads as a sibling, but the kernel resolves it through MSFT_v1_out, a link to /etc.
        Store.Write("MSFT", _at, _ => { });
        Directory.CreateSymbolicLink(_dir.File("models/MSFT_v1_out"), "/etc/ssl");
        Directory.CreateSymbolicLink(_dir.File("models/MSFT_v1_cert"), "MSFT_v1_out/../MSFT_v1_20260123_190000");

        Assert.Equal(ModelLoadException.LinkOutside, Assert.Throws<ModelLoadException>(() => Store.ResolveLatest("MSFT", _dir.File("models/MSFT_v1_cert"))).Code);
    }

    [Fact]
    public void ResolveLatest_LinksThatLoop_Refused()
    {
        Directory.CreateDirectory(Store.Root);
        Directory.CreateSymbolicLink(_dir.File("models/XOM_v1_a"), "XOM_v1_b");
        Directory.CreateSymbolicLink(_dir.File("models/XOM_v1_b"), "XOM_v1_a");
        Directory.CreateSymbolicLink(_dir.File("models/XOM_v1_latest"), "XOM_v1_a");

        Assert.Equal(ModelLoadException.LinkOutside, Assert.Throws<ModelLoadException>(() => Store.ResolveLatest("XOM", _dir.File("models/XOM_v1_latest"))).Code);
    }

    [Fact]
    public void ResolveLatest_ChainOfLinksInsideTheModelsFolder_ResolvesToTheRealFolder()
    {
        var folder = Store.Write("XOM", _at, _ => { });
        Directory.CreateSymbolicLink(_dir.File("models/XOM_v1_hop"), folder);
        Directory.CreateSymbolicLink(_dir.File("models/XOM_v1_prod"), "XOM_v1_hop");

        Assert.Equal(folder, Store.ResolveLatest("XOM", _dir.File("models/XOM_v1_prod")));
    }

    [Fact]
    public void ResolveLatest_LinkToAFolderThatIsGone_RefusedAsBrokenLink()
    {
        Directory.CreateDirectory(Store.Root);
        Directory.CreateSymbolicLink(_dir.File("models/XOM_v1_latest"), "XOM_v1_20250101_000000");

        Assert.Equal(ModelLoadException.BrokenLink, Assert.Throws<ModelLoadException>(() => Store.ResolveLatest("XOM", _dir.File("models/XOM_v1_latest"))).Code);
    }

    [Fact]
    public void RemoveLeftovers_TempFoldersOfAnInterruptedWriter_Removed()
    {
        Store.Write("XOM", _at, _ => { });
        Directory.CreateDirectory(_dir.File("models/.tmp-XOM_v1_20260124_000000-abc"));

        Assert.Equal(1, Store.RemoveLeftovers());
        Assert.Equal(["XOM_v1_20260123_190000", "XOM_v1_latest", SwitchJournal.FileName, "switches.lock"],
            Directory.GetFileSystemEntries(Store.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RemoveLeftovers_TempFolderOfAWriterStillRunning_IsKept_SoATrainAlongsideKeepsItsModel()
    {
        // Two trains on one models folder (or two shards of one): the one starting must not delete the temp folder the
        // other is writing its model into. Leftovers of writers that no longer run still go.
        using var gone = System.Diagnostics.Process.Start("true")!;
        gone.WaitForExit();
        Directory.CreateDirectory(Store.Root);
        var running = _dir.File($"models/.tmp-XOM_v1_20260124_000000-{Environment.ProcessId}-0123456789abcdef0123456789abcdef");
        var stopped = _dir.File($"models/.tmp-CVX_v1_20260124_000000-{gone.Id}-0123456789abcdef0123456789abcdef");
        Directory.CreateDirectory(running);
        Directory.CreateDirectory(stopped);

        Assert.Equal(1, Store.RemoveLeftovers());

        Assert.True(Directory.Exists(running), "the running writer's temp folder was removed");
        Assert.False(Directory.Exists(stopped), "the stopped writer's temp folder was kept");
    }

    [Fact]
    public void Write_TempFolder_NamesItsWritersProcess()
    {
        string? temp = null;
        Store.Write("XOM", _at, folder => temp = Path.GetFileName(folder));

        Assert.Matches($"^\\.tmp-XOM_v1_20260123_190000-{Environment.ProcessId}-[0-9a-f]{{32}}$", temp);
    }

    [Fact]
    public void SwitchLatest_AtEachPoint_JournalAndLinkAreInTheOrderARecoveryNeeds()
    {
        // What a writer stopped at each point leaves: nothing, then a journal line whose link still names its from, then both.
        var first = Path.GetFileName(Store.Write("XOM", _at, _ => { }));
        var second = Path.GetFileName(Store.Write("XOM", _at.AddDays(1), _ => { }));
        var seen = new List<(SwitchPoint Point, int Lines, string? Linked)>();
        var store = new ModelStore(_dir.File("models"), "v1", TimeProvider.System, point => seen.Add((point, Store.Journal.Read().Count, Store.CurrentFolder("XOM"))));

        using (store.Journal.Lock())
        {
            store.SwitchLatest("XOM", first, "rollback", null);
        }

        Assert.Equal([(SwitchPoint.BeforeJournal, 2, second), (SwitchPoint.AfterJournal, 3, second), (SwitchPoint.AfterLink, 3, first)], seen);
    }

    public void Dispose() => _dir.Dispose();
}
