using AlphaHost.Abstractions;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlphaHost.Tests.Families;

/// <summary>
/// What every alpha family promises the host. Each family's tests inherit this class and supply the family and
/// a snapshot on which it has enough history to produce signals.
/// </summary>
public abstract class AlphaFamilyContractTests
{
    protected abstract IAlphaFamily CreateFamily();

    /// <summary>Trading days of sample history the family needs to produce signals.</summary>
    protected virtual int HistoryDays => 320;

    /// <summary>Settings every test of the family starts from (e.g. where its models are).</summary>
    protected virtual IReadOnlyDictionary<string, string> BaseSettings { get; } = new Dictionary<string, string>();

    protected async Task<IAlphaFamily> InitializedAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var family = CreateFamily();
        var merged = new Dictionary<string, string>(BaseSettings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        var state = Path.Combine(Path.GetTempPath(), "alphahost-tests", "state-" + Guid.NewGuid().ToString("N")[..12]);
        var context = new FamilyContext("under_test", new FamilySettings("families.under_test", merged),
            NullLogger.Instance, TimeProvider.System, AppContext.BaseDirectory, state);
        await family.InitializeAsync(context, CancellationToken.None);
        await PrepareAsync(family);
        return family;
    }

    /// <summary>What the family needs after initialization before it can compute (e.g. loading its models).</summary>
    protected virtual Task PrepareAsync(IAlphaFamily family) => Task.CompletedTask;

    [Fact]
    public async Task ComputeAsync_WithEnoughHistory_GivesFiniteSignalsWithinUnitRange()
    {
        var family = await InitializedAsync();
        var snapshot = SampleSnapshots.At(HistoryDays);

        var signals = await family.ComputeAsync(snapshot, CancellationToken.None);

        Assert.NotEmpty(signals.BySymbol);
        Assert.All(signals.BySymbol.Values, v => Assert.True(double.IsFinite(v) && v is >= -1.0 and <= 1.0, $"signal {v}"));
        Assert.Equal(FamilyState.Ok, family.Health.State);
    }

    [Fact]
    public async Task ComputeAsync_OnlySignalsSymbolsOfTheSnapshot()
    {
        var family = await InitializedAsync();
        var snapshot = SampleSnapshots.At(HistoryDays);

        var signals = await family.ComputeAsync(snapshot, CancellationToken.None);

        var symbols = snapshot.Symbols.Select(s => s.Symbol).ToHashSet();
        Assert.All(signals.BySymbol.Keys, s => Assert.Contains(s, symbols));
    }

    [Fact]
    public async Task ComputeAsync_SameSnapshot_SameSignals()
    {
        var snapshot = SampleSnapshots.At(HistoryDays);

        var first = await (await InitializedAsync()).ComputeAsync(snapshot, CancellationToken.None);
        var second = await (await InitializedAsync()).ComputeAsync(snapshot, CancellationToken.None);

        Assert.Equal(first.BySymbol.OrderBy(kv => kv.Key), second.BySymbol.OrderBy(kv => kv.Key));
    }

    [Fact]
    public async Task ComputeAsync_LaterBars_DoNotChangeSignalsAtEarlierDate()
    {
        var feed = new Host.Market.SampleMarket(7, 60);
        var market = new Host.Market.MarketState(feed.Universe, feed.Benchmark);
        for (var i = 0; i < HistoryDays; i++)
        {
            feed.TryNextDay(out var day);
            market.Append(day);
        }

        var family = await InitializedAsync();
        var atT = market.Snapshot(1);
        var returned = await family.ComputeAsync(atT, CancellationToken.None);
        var signalsAtT = returned.BySymbol.OrderBy(kv => kv.Key).ToArray();
        Assert.NotEmpty(signalsAtT);

        // The next days arrive and the same family computes them, cycle by cycle, as in the daemon.
        for (var cycle = 2; cycle <= 6; cycle++)
        {
            feed.TryNextDay(out var day);
            market.Append(day);
            Assert.NotEmpty((await family.ComputeAsync(market.Snapshot(cycle), CancellationToken.None)).BySymbol);
        }

        // What it gave for t is still what it says (no buffer reused under it), and t computed again gives the same.
        Assert.Equal(signalsAtT, returned.BySymbol.OrderBy(kv => kv.Key));
        var again = await (await InitializedAsync()).ComputeAsync(atT, CancellationToken.None);
        Assert.Equal(signalsAtT, again.BySymbol.OrderBy(kv => kv.Key));
    }

    [Fact]
    public async Task ComputeAsync_WithTooLittleHistory_GivesNoSignalsAndSaysWhy()
    {
        var family = await InitializedAsync();
        var snapshot = SampleSnapshots.At(3);

        var signals = await family.ComputeAsync(snapshot, CancellationToken.None);

        Assert.Empty(signals.BySymbol);
        Assert.Equal(FamilyState.Degraded, family.Health.State);
        Assert.False(string.IsNullOrWhiteSpace(family.Health.Detail));
    }

    [Fact]
    public async Task Configure_WithInvalidValue_ThrowsNamingTheKey()
    {
        var family = await InitializedAsync();
        var key = InvalidSetting.Key;

        var error = Assert.Throws<FamilySettingsException>(() =>
            family.Configure(new FamilySettings("families.under_test", new Dictionary<string, string> { [key] = InvalidSetting.Value })));

        Assert.Equal($"families.under_test.{key}", error.Key);
    }

    [Fact]
    public async Task Configure_KeysItReads_AreExactlyTheSettingsItDeclares()
    {
        var family = await InitializedAsync();
        var section = new AskedKeys(BaseSettings);

        family.Configure(new FamilySettings("families.under_test", section));

        // config validate reports any key not declared: a key read but not declared would be reported though it works.
        var declared = family.GetType().GetCustomAttributes(typeof(AlphaFamilyAttribute), false).Cast<AlphaFamilyAttribute>().Single().Settings;
        Assert.Equal(section.Asked.Order(StringComparer.Ordinal), declared.Order(StringComparer.Ordinal));
    }

    /// <summary>A section that records every key the family asks for, present or not.</summary>
    private sealed class AskedKeys(IReadOnlyDictionary<string, string> values) : IReadOnlyDictionary<string, string>
    {
        public HashSet<string> Asked { get; } = new(StringComparer.Ordinal);

        public IEnumerable<string> Keys => values.Keys;

        public IEnumerable<string> Values => values.Values;

        public int Count => values.Count;

        public string this[string key] => values[key];

        public bool ContainsKey(string key)
        {
            Asked.Add(key);
            return values.ContainsKey(key);
        }

        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string value)
        {
            Asked.Add(key);
            return values.TryGetValue(key, out value);
        }

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => values.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>A key of the family's section and a value it must refuse.</summary>
    protected abstract (string Key, string Value) InvalidSetting { get; }

    /// <summary>How long the host waits for a family's disposal before it abandons it (a worker is killed after it).</summary>
    private static readonly TimeSpan DisposeBudget = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task DisposeAsync_AfterUse_Completes()
    {
        var family = await InitializedAsync();
        Assert.NotEmpty((await family.ComputeAsync(SampleSnapshots.At(HistoryDays), CancellationToken.None)).BySymbol);

        // A disposal that hangs or throws makes every reload and stop of the daemon wait for the host's budget.
        var disposal = family.DisposeAsync().AsTask();
        await disposal.WaitAsync(DisposeBudget);

        Assert.True(disposal.IsCompletedSuccessfully);
    }
}
