using System.Text;
using AlphaHost.Host.Cycle;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Cycle;

public sealed class LatestFileWriterTests
{
    [Fact]
    public void Submit_ManyCyclesInARow_TheFileEndsAsTheNewestAndNoTempFileIsLeft()
    {
        using var dir = new TempDir();
        var path = dir.File("latest.json");
        using var writer = new LatestFileWriter(path, TimeProvider.System);

        for (var cycle = 1; cycle <= 200; cycle++)
        {
            writer.Submit(Encoding.UTF8.GetBytes($"{{\"cycle\":{cycle}}}"));
        }

        Assert.True(writer.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal("{\"cycle\":200}", File.ReadAllText(path));
        Assert.Equal(["latest.json"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Dispose_WithContentPending_WritesItBeforeItEnds()
    {
        using var dir = new TempDir();
        var path = dir.File("latest.json");
        var writer = new LatestFileWriter(path, TimeProvider.System);

        writer.Submit("{\"cycle\":7}"u8);
        writer.Dispose();

        Assert.Equal("{\"cycle\":7}", File.ReadAllText(path));
    }

    [Fact]
    public void Submit_AfterAReplacementFailed_ReportsItAtTheNextCycleAndTheFileRecovers()
    {
        using var dir = new TempDir();
        var blocker = dir.Write("signals", "a file where the folder should be");
        using var writer = new LatestFileWriter(Path.Combine(blocker, "latest.json"), TimeProvider.System);

        writer.Submit("{\"cycle\":1}"u8);
        Assert.True(writer.Flush(TimeSpan.FromSeconds(30)));
        var failure = Assert.Throws<IOException>(() => writer.Submit("{\"cycle\":2}"u8));
        Assert.Contains("latest.json could not be replaced", failure.Message);
        Assert.True(writer.Flush(TimeSpan.FromSeconds(30)));

        // The disk recovers: the failure of cycle 2 is still reported once, then the file follows the cycles again.
        File.Delete(blocker);
        Assert.Throws<IOException>(() => writer.Submit("{\"cycle\":3}"u8));
        Assert.True(writer.Flush(TimeSpan.FromSeconds(30)));
        writer.Submit("{\"cycle\":4}"u8);
        Assert.True(writer.Flush(TimeSpan.FromSeconds(30)));
        Assert.Equal("{\"cycle\":4}", File.ReadAllText(Path.Combine(blocker, "latest.json")));
    }
}
