using AlphaHost.Host.Configuration;
using AlphaHost.Host.Daemon;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

public sealed class RuntimeLockTests : IDisposable
{
    private readonly TempDir _dir = new();

    private RuntimePaths Paths => new(Path.Combine(_dir.Path, "plugins"), Path.Combine(_dir.Path, "runtime"));

    [Fact]
    public void TryAcquire_WhileHeld_IsRefusedAndTheProbeSeesIt_ThenFreeAfterDispose()
    {
        var first = RuntimeLock.TryAcquire(Paths, TimeProvider.System);
        Assert.NotNull(first);
        Assert.True(RuntimeLock.IsHeld(Paths));
        Assert.Null(RuntimeLock.TryAcquire(Paths, TimeProvider.System));

        first.Dispose();

        Assert.False(RuntimeLock.IsHeld(Paths));
        using var second = RuntimeLock.TryAcquire(Paths, TimeProvider.System);
        Assert.NotNull(second);
    }

    [Fact]
    public void IsHeld_NoLockFile_IsFalseAndCreatesNothing()
    {
        Assert.False(RuntimeLock.IsHeld(Paths));
        Assert.False(Directory.Exists(Paths.RuntimeDir));
    }

    public void Dispose() => _dir.Dispose();
}
