using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlphaHost.Tests.Configuration;

/// <summary>The one place a config change is decided: checked, handed to the families, then put in force or refused.</summary>
public sealed class ConfigReloaderTests : IDisposable
{
    private const string Good = "families:\n  momentum:\n    weight: 0.5\n";
    private readonly TempDir _dir = new();
    private readonly FakeFamilies _families = new();
    private readonly CapturingLogger _log = new();
    private ConfigStore? _store;

    [Fact]
    public async Task CheckAsync_ValidEdit_IsHandedToTheFamiliesAndPutInForce()
    {
        var reloader = Create(Good);

        Save("families:\n  momentum:\n    weight: 0.75\n");
        var check = await reloader.CheckAsync();

        Assert.False(check.Rejected);
        Assert.Equal(0.75, check.InForce.Family("momentum").Weight);
        Assert.Same(check.InForce, _store!.Current);
        Assert.Equal([0.75], _families.Offered.Select(c => c.Family("momentum").Weight));
    }

    [Fact]
    public async Task CheckAsync_FamilyRefusesItsSection_LastGoodStaysAndTheRefusalIsTheVerdict()
    {
        var reloader = Create(Good);
        _families.Refusal = "families.momentum: lookback_days must be positive";

        Save("families:\n  momentum:\n    weight: 0.75\n");
        var check = await reloader.CheckAsync();

        Assert.True(check.Rejected);
        Assert.Equal(_families.Refusal, check.RejectedError);
        Assert.Equal(0.5, _store!.Current.Family("momentum").Weight);
        Assert.Equal(_families.Refusal, _store.RejectedError);
    }

    [Fact]
    public async Task CheckAsync_InstanceOfAFamilyNoPluginExports_RefusedWithoutAskingTheFamilies()
    {
        var reloader = Create(Good);

        Save("families:\n  momentum:\n    weight: 0.5\n  momentum_fast:\n    family: no_such_family\n");
        var check = await reloader.CheckAsync();

        Assert.True(check.Rejected);
        Assert.Contains("families.momentum_fast.family", check.RejectedError);
        Assert.Empty(_families.Offered);
        Assert.Same(check.InForce, _store!.Current);
    }

    [Fact]
    public async Task CheckAsync_UnchangedFile_AsksNobodyAndRejectsNothing()
    {
        var reloader = Create(Good);

        var check = await reloader.CheckAsync();

        Assert.False(check.Rejected);
        Assert.Empty(_families.Offered);
    }

    [Fact]
    public async Task OnRequestAsync_NothingToApply_SaysSoInOneLine()
    {
        var reloader = Create(Good);

        await reloader.OnRequestAsync();

        var line = Assert.Single(_log.Snapshot());
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains("re-read, no change to apply", line.Message);
    }

    [Fact]
    public async Task OnRequestAsync_RefusedChange_WarnsThatTheLastGoodConfigStays()
    {
        var reloader = Create(Good);
        _families.Refusal = "families.momentum: refused";

        Save("families:\n  momentum:\n    weight: 0.75\n");
        await reloader.OnRequestAsync();

        var line = Assert.Single(_log.Snapshot());
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("SIGHUP: the last good configuration stays in force: families.momentum: refused", line.Message);
    }

    public void Dispose() => _dir.Dispose();

    private ConfigReloader Create(string yaml)
    {
        var path = _dir.Write("golden.yaml", yaml);
        _store = new ConfigStore(ConfigLoader.Load(path), NullLogger<ConfigStore>.Instance);
        return new ConfigReloader(_store, _families, _log);
    }

    private void Save(string yaml) => File.WriteAllText(_dir.File("golden.yaml"), yaml);

    /// <summary>The running families: momentum is exported; each candidate offered is kept, and refused when <see cref="Refusal"/> is set.</summary>
    private sealed class FakeFamilies : IConfigTarget
    {
        public IReadOnlyList<AlphaFamilyAttribute> Exports { get; } = [new AlphaFamilyAttribute("momentum")];

        public List<AlphaHostConfig> Offered { get; } = [];

        public string? Refusal { get; set; }

        public Task<string?> ApplyConfigAsync(AlphaHostConfig candidate)
        {
            Offered.Add(candidate);
            return Task.FromResult(Refusal);
        }
    }
}
