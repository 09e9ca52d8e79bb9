using AlphaHost.Storage;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Storage;

/// <summary>The one atomic writer: a reader sees the old content or the new, never part of one, and no temp file stays.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Write_TheWriterThrowsHalfWay_TargetKeepsItsOldContentAndNoTempFileStays()
    {
        var path = _dir.Write("state/governance.json", "{\"old\":true}");

        var thrown = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("{\"new\":"u8);
            throw new InvalidOperationException("disk full");
        }));

        Assert.Equal("disk full", thrown.Message);
        Assert.Equal("{\"old\":true}", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Write_OverAnExistingFile_LeavesExactlyTheNewContent(bool durable)
    {
        var path = _dir.Write("daemon.json", new string('x', 10_000));

        AtomicFile.Write(path, "{\"pid\":1}"u8, durable);

        Assert.Equal("{\"pid\":1}", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Write_MissingFolder_IsCreated()
    {
        var path = _dir.File("a/b/latest.json");

        AtomicFile.Write(path, "{}"u8, durable: false);

        Assert.Equal("{}", File.ReadAllText(path));
    }

    [Fact]
    public void Write_OwnerOnly_FileIsReadableAndWritableByTheOwnerAlone()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = _dir.File("config_in_force.yaml");

        AtomicFile.Write(path, "key: secret\n"u8, durable: false, ownerOnly: true);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void WriteIf_TheTargetChangedMeanwhile_LeavesItAloneAndSaysSo()
    {
        var path = _dir.Write("golden_config.yaml", "a: 1\n");

        var replaced = AtomicFile.WriteIf(path, "a: 2\n"u8, unchanged: () => false);

        Assert.False(replaced);
        Assert.Equal("a: 1\n", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void RemoveStaleTemps_TempsOfADeadAndOfALiveWriter_RemovesOnlyTheDeadOnes()
    {
        var path = _dir.File("latest.json");
        var dead = _dir.Write($".latest.json.{DeadPid()}.{Guid.NewGuid():N}.tmp", "{\"half");
        var live = _dir.Write($".latest.json.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp", "{\"half");

        Assert.Equal(1, AtomicFile.RemoveStaleTemps(path));

        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
    }

    [Fact]
    public void ProcessProbe_ThisProcessAndAnExitedOne_RunningAndNot()
    {
        Assert.True(ProcessProbe.IsRunning(Environment.ProcessId));
        Assert.False(ProcessProbe.IsRunning(DeadPid()));
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>The id of a process that has exited.</summary>
    private static int DeadPid()
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
