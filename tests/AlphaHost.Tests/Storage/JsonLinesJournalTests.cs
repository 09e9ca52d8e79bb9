using System.Text;
using AlphaHost.Storage;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Storage;

/// <summary>The one JSON-lines journal: append, the line cut short by a crash, the unreadable count, retention.</summary>
public sealed class JsonLinesJournalTests : IDisposable
{
    private readonly TempDir _dir = new();

    private string Path => _dir.File("state/journal.jsonl");

    [Fact]
    public void Read_LastLineCutShortByACrash_SkipsItAndCountsIt()
    {
        var journal = new JsonLinesJournal<Entry>(Path);
        journal.Append(new Entry("a", 1));
        journal.Append(new Entry("b", 2));
        File.AppendAllText(Path, "{\"name\":\"c\",\"cou");

        var entries = journal.Read(out var unreadable);

        Assert.Equal([new Entry("a", 1), new Entry("b", 2)], entries);
        Assert.Equal(1, unreadable);
    }

    [Fact]
    public void Append_AfterALineCutShortByACrash_TheNewLineStartsOnItsOwnAndReadsBack()
    {
        var journal = new JsonLinesJournal<Entry>(Path);
        journal.Append(new Entry("a", 1));
        File.AppendAllText(Path, "{\"name\":\"b\",\"cou");

        journal.Append(new Entry("c", 3));

        Assert.Equal([new Entry("a", 1), new Entry("c", 3)], journal.Read(out var unreadable));
        Assert.Equal(1, unreadable);
    }

    [Fact]
    public void Append_WrittenInTheJournalsSpelling_OneSnakeCaseObjectALine()
    {
        new JsonLinesJournal<Entry>(Path).Append(new Entry("é", 1));

        Assert.Equal("{\"name\":\"é\",\"count_seen\":1}\n", File.ReadAllText(Path, Encoding.UTF8));
    }

    [Fact]
    public void Read_LineTheAcceptRuleRefuses_CountsItUnreadable()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        File.WriteAllText(Path, "{\"name\":\"a\",\"count_seen\":1}\n{\"count_seen\":2}\n\n");

        var entries = new JsonLinesJournal<Entry>(Path, accept: e => e.Name is not null).Read(out var unreadable);

        Assert.Equal([new Entry("a", 1)], entries);
        Assert.Equal(1, unreadable);
    }

    [Fact]
    public void Append_AQuarterBeyondRetain_TrimsToTheNewestRetainLinesThenAppends()
    {
        var journal = new JsonLinesJournal<Entry>(Path, retain: 8);
        for (var i = 1; i <= 10; i++)
        {
            journal.Append(new Entry("e", i));
        }

        Assert.Equal(Enumerable.Range(1, 10), journal.Read().Select(e => e.CountSeen));

        journal.Append(new Entry("e", 11));

        Assert.Equal(Enumerable.Range(3, 9), new JsonLinesJournal<Entry>(Path, retain: 8).Read().Select(e => e.CountSeen));
        Assert.Empty(Directory.GetFiles(System.IO.Path.GetDirectoryName(Path)!, "*.tmp"));
    }

    [Fact]
    public void Append_NoRetain_NeverTrims()
    {
        var journal = new JsonLinesJournal<Entry>(Path);
        for (var i = 1; i <= 50; i++)
        {
            journal.Append(new Entry("e", i));
        }

        Assert.Equal(50, journal.Read().Count);
    }

    [Fact]
    public void OpenForAppend_LastLineCutShort_CutsItOffAndSaysHowManyBytes()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        File.WriteAllText(Path, "{\"a\":1}\n{\"a\":");

        using (var stream = JsonLines.OpenForAppend(Path, out var dropped))
        {
            Assert.Equal(5, dropped);
            stream.Write("{\"a\":2}\n"u8);
        }

        Assert.Equal("{\"a\":1}\n{\"a\":2}\n", File.ReadAllText(Path));
    }

    [Fact]
    public void Read_MissingFile_IsEmpty()
    {
        Assert.Empty(new JsonLinesJournal<Entry>(Path).Read(out var unreadable));
        Assert.Equal(0, unreadable);
    }

    public void Dispose() => _dir.Dispose();

    private sealed record Entry(string Name, int CountSeen);
}
