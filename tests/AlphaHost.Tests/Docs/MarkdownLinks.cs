using Markdig;
using Markdig.Extensions.AutoIdentifiers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace AlphaHost.Tests.Docs;

/// <summary>
/// The relative links of markdown pages, checked as GitHub renders them: the linked file must exist, and an anchor
/// (<c>page.md#heading</c>, <c>#heading</c>) must be the identifier of a heading of that page.
/// </summary>
internal static class MarkdownLinks
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseAutoIdentifiers(AutoIdentifierOptions.GitHub)
        .UsePipeTables()
        .Build();

    /// <summary>One line per link that does not resolve: the page, the link and why.</summary>
    public static IReadOnlyList<string> Broken(IEnumerable<string> pages)
    {
        var broken = new List<string>();
        foreach (var page in pages)
        {
            foreach (var url in Links(page))
            {
                if (Why(page, url) is { } why)
                {
                    broken.Add($"{page}: ({url}): {why}");
                }
            }
        }

        return broken;
    }

    /// <summary>The heading identifiers of a page, as GitHub makes them.</summary>
    public static IReadOnlySet<string> Anchors(string page) =>
        Markdown.Parse(File.ReadAllText(page), Pipeline).Descendants<HeadingBlock>()
            .Select(h => h.GetAttributes().Id).OfType<string>().ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<string> Links(string page) =>
        Markdown.Parse(File.ReadAllText(page), Pipeline).Descendants<LinkInline>()
            .Select(l => l.Url ?? "")
            .Where(u => !u.Contains("://", StringComparison.Ordinal) && !u.StartsWith("mailto:", StringComparison.Ordinal));

    private static string? Why(string page, string url)
    {
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        var path = hash < 0 ? url : url[..hash];
        var anchor = hash < 0 ? null : Uri.UnescapeDataString(url[(hash + 1)..]);
        var target = path.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(path)));
        if (!File.Exists(target) && !Directory.Exists(target))
        {
            return "no such file";
        }

        if (anchor is null)
        {
            return null;
        }

        if (!target.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || !File.Exists(target))
        {
            return "an anchor into something that is not a markdown page";
        }

        return Anchors(target).Contains(anchor) ? null : $"no heading #{anchor} in {Path.GetFileName(target)}";
    }
}
