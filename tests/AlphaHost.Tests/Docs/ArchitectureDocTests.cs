using System.Text.RegularExpressions;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Docs;

/// <summary>
/// docs/architecture.md is where a newcomer learns which folder holds what and which type owns each concept: its tables
/// must match the repository, so that moving a folder or a type fails here until the page says where it went.
/// </summary>
public sealed class ArchitectureDocTests
{
    private static string Page => Path.Combine(TestPaths.RepoRoot, "docs", "architecture.md");

    [Fact]
    public void FolderTable_ListsEveryHostFolderAndNoFolderThatIsGone()
    {
        var listed = TableRows("## Folders").Select(r => r[0]).Where(f => f.StartsWith("host/", StringComparison.Ordinal)).ToHashSet();
        var present = Directory.GetDirectories(Path.Combine(TestPaths.RepoRoot, "host"))
            .Select(d => "host/" + Path.GetFileName(d) + "/")
            .Where(d => d is not "host/bin/" and not "host/obj/")
            .ToHashSet();

        Assert.Empty(present.Except(listed));
        Assert.Empty(listed.Except(present));
        Assert.All(TableRows("## Folders").Select(r => r[0]).Where(f => !f.Contains('<', StringComparison.Ordinal)),
            f => Assert.True(Directory.Exists(Path.Combine(TestPaths.RepoRoot, f)), $"{f} is in the folder table but not in the repository"));
    }

    [Fact]
    public void OwnersTable_EachOwnerIsATypeOfItsFolder()
    {
        var rows = TableRows("## Who owns what");

        Assert.Contains(rows, r => r[0].Contains("lifecycle", StringComparison.Ordinal));
        Assert.All(new[] { "cycle step", "reload", "status", "journal", "market image" }, c => Assert.Contains(rows, r => r[0].Contains(c, StringComparison.Ordinal)));
        Assert.All(rows, r =>
        {
            var folder = Path.Combine(TestPaths.RepoRoot, r[1]);
            Assert.True(Directory.GetFiles(folder, r[2] + ".cs", SearchOption.AllDirectories).Length > 0 || TypeDeclaredIn(folder, r[2]),
                $"{r[0]}: no type {r[2]} in {r[1]}");
        });
    }

    /// <summary>The cells of a table under a heading, backticks removed, header and rule rows left out.</summary>
    private static List<string[]> TableRows(string heading)
    {
        var lines = File.ReadAllLines(Page).SkipWhile(l => l != heading).Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal));
        return lines.Where(l => l.StartsWith('|')).Skip(2)
            .Select(l => l.Trim('|').Split(" | ").Select(c => c.Trim().Trim('`')).ToArray())
            .ToList();
    }

    private static bool TypeDeclaredIn(string folder, string type) =>
        Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Any(f => Regex.IsMatch(File.ReadAllText(f), $@"\b(class|record|struct|interface|enum)\s+{Regex.Escape(type)}\b"));
}
