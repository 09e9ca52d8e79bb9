using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Docs;

/// <summary>The README is the front door: its first lines give the two commands a fresh clone runs, and it stays short.</summary>
public sealed class FrontDoorTests
{
    private static string[] Readme => File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "README.md"));

    [Fact]
    public void FirstCodeBlock_RunsTheDaemonAndTheTestSuiteThatCiRuns()
    {
        var block = Readme.SkipWhile(l => !l.StartsWith("```", StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith("```", StringComparison.Ordinal)).ToList();
        var ci = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, ".ci", "run"));

        Assert.Contains(block, l => l.StartsWith("dotnet run --project host -- run ", StringComparison.Ordinal));
        var test = Assert.Single(block, l => l.StartsWith("dotnet test ", StringComparison.Ordinal)).Split('#')[0].Trim();
        Assert.Contains(ci, l => l.StartsWith(test + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Readme_IsAFrontDoorOfAtMost250Lines_ThatLinksEveryReferencePage()
    {
        var text = string.Join('\n', Readme);

        Assert.InRange(Readme.Length, 1, 250);
        Assert.All(Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "docs"), "*.md").Select(Path.GetFileName),
            page => Assert.Contains($"](docs/{page}", text, StringComparison.Ordinal));
    }
}
