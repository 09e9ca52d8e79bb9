using AlphaHost.Abstractions;
using AlphaHost.Host.Workers;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Workers;

/// <summary>
/// A mapping of one generation of the market image: what a worker reads through it is exactly what the host wrote, and a
/// request or a file that does not fit the image (a range beyond it, a truncated file, another generation's header) is
/// refused with one line naming the file and what is wrong, never read.
/// </summary>
public sealed class MappedMarketTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Open_ImageTheHostWrote_ReadsEqualTheWrittenBars()
    {
        var path = Write(generation: 3, slots: 3, capacity: 4);

        using var image = MappedMarket.Open(path, 3, 3, 4);

        Assert.Equal(Bars(12), image.Slice(0, 12).ToArray());
        Assert.Equal(Bars(12)[5..7], image.Slice(5, 2).ToArray());
    }

    [Theory]
    [InlineData(10, 5)]
    [InlineData(-1, 2)]
    [InlineData(0, -1)]
    [InlineData(int.MaxValue, 2)]
    public void Slice_BeyondTheImage_IsRefusedNamingTheRange(int start, int count)
    {
        var path = Write(generation: 1, slots: 3, capacity: 4);
        using var image = MappedMarket.Open(path, 1, 3, 4);

        var error = Assert.Throws<InvalidDataException>(() => image.Slice(start, count));

        Assert.Contains($"bars {start} to", error.Message, StringComparison.Ordinal);
        Assert.Contains("outside the market image's 12", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TruncatedFile_IsRefusedWithTheFileAndTheSizesNamed()
    {
        var path = Write(generation: 1, slots: 3, capacity: 4);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(stream.Length - 1);
        }

        var error = Assert.Throws<InvalidDataException>(() => MappedMarket.Open(path, 1, 3, 4));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("bytes,", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Open_HeaderOfAnotherGeneration_IsRefusedSayingWhichGenerationItHolds()
    {
        var path = Write(generation: 1, slots: 3, capacity: 4);

        var error = Assert.Throws<InvalidDataException>(() => MappedMarket.Open(path, 2, 3, 4));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("generation 1 of 3 slots x 4 bars, expected generation 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TornHeader_IsRefusedAsNotAnImage()
    {
        var path = Write(generation: 1, slots: 3, capacity: 4);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Write(new byte[8]);
        }

        var error = Assert.Throws<InvalidDataException>(() => MappedMarket.Open(path, 1, 3, 4));

        Assert.Contains("not a market image", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(3, 0)]
    [InlineData(65536, 65536)]
    public void Open_ShapeNoImageHas_IsRefused(int slots, int capacity)
    {
        var path = Write(generation: 1, slots: 3, capacity: 4);

        var error = Assert.Throws<InvalidDataException>(() => MappedMarket.Open(path, 1, slots, capacity));

        Assert.Contains("not an image shape", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private string Write(long generation, int slots, int capacity)
    {
        var path = _dir.File($"image-{generation}.bin");
        using var image = MappedMarket.Create(path, generation, slots, capacity);
        Bars(slots * capacity).CopyTo(image.GetSpan());
        return path;
    }

    private static Bar[] Bars(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new Bar(new DateOnly(2020, 1, 1).AddDays(i), 10 + i, 11 + i, 9 + i, 10.5 + i, 1000 * i))];
}
