using AlphaHost.Host.Cli;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Daemon;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>How operator commands without <c>--config</c> find the daemons running on the machine.</summary>
public sealed class DaemonRegistryTests : IDisposable
{
    private readonly TempDir _dir = new();

    private IReadOnlyList<string> Folders => [Path.Combine(_dir.Path, "registry")];

    [Fact]
    public void Running_DaemonHoldingItsRuntimeLock_IsListedAndItsEntryGoesWhenItUnregisters()
    {
        var paths = Paths("a");
        using var held = RuntimeLock.TryAcquire(paths, TimeProvider.System);
        var registration = DaemonRegistry.Register(Identity("a.yaml", paths), Folders);

        var entry = Assert.Single(DaemonRegistry.Running(Folders));
        Assert.Equal(Environment.ProcessId, entry.Pid);
        Assert.Equal(paths.RuntimeDir, entry.RuntimeDir);

        registration!.Dispose();
        Assert.Empty(DaemonRegistry.Running(Folders));
        Assert.Empty(Directory.EnumerateFiles(Folders[0]));
    }

    [Fact]
    public void Running_EntryOfADaemonThatDied_IsIgnoredAndRemoved()
    {
        var paths = Paths("dead");

        // No lock held on its runtime folder: the entry a kill -9 leaves behind.
        using var registration = DaemonRegistry.Register(Identity("dead.yaml", paths), Folders);

        Assert.Empty(DaemonRegistry.Running(Folders));
        Assert.Empty(Directory.EnumerateFiles(Folders[0]));
    }

    [Fact]
    public void ResolvePath_NoConfigGivenNorHereAndOneDaemon_IsThatDaemonsConfig()
    {
        var path = OperatorConfig.ResolvePath(null, _dir.Path, () => [Entry(101, "/srv/a/golden.yaml")]);

        Assert.Equal("/srv/a/golden.yaml", path);
    }

    [Fact]
    public void ResolvePath_NoConfigGivenNorHereAndTwoDaemons_IsRefusedListingBoth()
    {
        var error = Assert.Throws<UsageException>(() => OperatorConfig.ResolvePath(null, _dir.Path, () => [Entry(101, "/srv/a/golden.yaml"), Entry(202, "/srv/b/golden.yaml")]));

        Assert.Contains("2 daemons are running", error.Message);
        Assert.Contains("pid 101: --config /srv/a/golden.yaml", error.Message);
        Assert.Contains("pid 202: --config /srv/b/golden.yaml", error.Message);
    }

    [Fact]
    public void ResolvePath_NoConfigGivenNorHereAndNoDaemon_IsRefusedInsteadOfUsingTheConfigBesideTheExecutable()
    {
        var error = Assert.Throws<UsageException>(() => OperatorConfig.ResolvePath(null, _dir.Path, () => []));

        Assert.Contains("no daemon is running", error.Message);
        Assert.Contains("give --config", error.Message);
    }

    [Fact]
    public void ResolvePath_ConfigInTheWorkingDirectory_WinsOverTheRegistry()
    {
        var local = _dir.Write(Path.Combine("configs", "golden_config.yaml"), "host: {}\n");

        Assert.Equal(local, OperatorConfig.ResolvePath(null, _dir.Path, () => throw new InvalidOperationException("the registry is not asked")));
    }

    public void Dispose() => _dir.Dispose();

    private RuntimePaths Paths(string name) => new(Path.Combine(_dir.Path, "plugins"), Path.Combine(_dir.Path, name, "runtime"));

    private static DaemonIdentity Identity(string config, RuntimePaths paths) => new(Environment.ProcessId, DateTimeOffset.UnixEpoch, "test", config, paths);

    private static DaemonEntry Entry(int pid, string config) => new(pid, config, $"/srv/{pid}/runtime", DateTimeOffset.UnixEpoch);
}
