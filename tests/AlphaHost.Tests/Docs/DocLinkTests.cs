using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Docs;

/// <summary>The README and the reference in docs/ link to each other by file and heading: every such link must land.</summary>
public sealed class DocLinkTests
{
    [Fact]
    public void ReadmeAndDocs_EveryRelativeLink_ResolvesToAFileAndHeading()
    {
        var pages = new[] { Path.Combine(TestPaths.RepoRoot, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "docs"), "*.md"))
            .Concat(Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "RUNBOOKS"), "*.md"));

        var broken = MarkdownLinks.Broken(pages);

        Assert.True(broken.Count == 0, "links that do not resolve:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void Broken_AMissingFileAMissingHeadingAndAGoodLink_ReportsTheTwoBadOnes()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "other.md"), "# Other\n\n## Heartbeat, state and logs\n");
        var page = Path.Combine(dir.Path, "page.md");
        File.WriteAllText(page, """
            # Page

            [good](other.md#heartbeat-state-and-logs), [here](#page), [gone](missing.md),
            [moved](other.md#stalled-loop), [web](https://example.com/x.md) and `[code](nothing.md)`.
            """);

        var broken = MarkdownLinks.Broken([page]);

        Assert.Equal(2, broken.Count);
        Assert.Contains(broken, b => b.Contains("(missing.md): no such file", StringComparison.Ordinal));
        Assert.Contains(broken, b => b.Contains("(other.md#stalled-loop): no heading #stalled-loop in other.md", StringComparison.Ordinal));
    }

    [Fact]
    public void Anchors_HeadingsWithCodeAndPunctuation_AreGitHubsIdentifiers()
    {
        using var dir = new TempDir();
        var page = Path.Combine(dir.Path, "page.md");
        File.WriteAllText(page, "# Pooled model (`training.scope: universe`)\n\n## Out of sample: walk-forward on `../shared/data` (per-symbol vs pooled)\n");

        var anchors = MarkdownLinks.Anchors(page);

        Assert.Contains("pooled-model-trainingscope-universe", anchors);
        Assert.Contains("out-of-sample-walk-forward-on-shareddata-per-symbol-vs-pooled", anchors);
    }
}
