using AlphaHost.Host.Market;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Market;

public sealed class BarFileReaderTests
{
    [Fact]
    public void Read_BadRows_AreDroppedAndReportedWithLine()
    {
        using var dir = new TempDir();
        var path = dir.Write("AAA.csv", """
            date,open,high,low,close,volume
            2020-01-02,10,11,9,10,100
            2020-01-03,NaN,11,9,10,100
            2020-01-03,10,11,9,10,100
            2020-01-03,10,11,9,10,100
            2020-01-01,10,11,9,10,100
            2020-01-06,10,9,11,10,100
            2020-01-07,10,11,9,-4,100
            2020-01-08,10,11,9,,100
            not-a-date,10,11,9,10,100
            2020-01-09,10,11,9,10.5,0
            """);

        var file = BarFileReader.Read(path);

        Assert.Equal([new DateOnly(2020, 1, 2), new DateOnly(2020, 1, 3), new DateOnly(2020, 1, 9)], file.Bars.Select(b => b.Date));
        Assert.Equal(7, file.Issues.Count);
        Assert.Contains(file.Issues, i => i.StartsWith("line 3:") && i.Contains("finite and positive"));
        Assert.Contains(file.Issues, i => i.Contains("duplicate date"));
        Assert.Contains(file.Issues, i => i.Contains("unsorted"));
        Assert.Contains(file.Issues, i => i.Contains("high 9 < low 11"));
        Assert.Contains(file.Issues, i => i.Contains("close '' is not a number"));
        Assert.Contains(file.Issues, i => i.Contains("not yyyy-MM-dd"));
    }

    [Fact]
    public void Read_MissingColumn_RefusesTheFileNamingColumnAndFile()
    {
        using var dir = new TempDir();
        var path = dir.Write("AAA.csv", "date,open,high,low,volume\n2020-01-02,10,11,9,100\n");

        var error = Assert.Throws<InvalidDataException>(() => BarFileReader.Read(path));

        Assert.Contains("AAA.csv", error.Message);
        Assert.Contains("close", error.Message);
    }

    [Fact]
    public void Read_EmptyFile_IsRefused()
    {
        using var dir = new TempDir();

        Assert.Throws<InvalidDataException>(() => BarFileReader.Read(dir.Write("AAA.csv", "")));
    }
}
