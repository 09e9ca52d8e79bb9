using System.Globalization;
using System.Runtime.InteropServices;
using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// The models folder: <c>&lt;SYMBOL&gt;_&lt;tag&gt;_&lt;yyyyMMdd_HHmmss&gt;/</c> holds <c>model.zip</c> and <c>model_meta.json</c>;
/// <c>&lt;SYMBOL&gt;_&lt;tag&gt;_latest</c> is a symbolic link to the newest. A model is written into a hidden temp folder,
/// flushed, and renamed into place; the latest link is switched last, by renaming a new link over it. A reader therefore
/// sees the previous model or the new one, never a half-written one, whenever the writer is stopped.
/// </summary>
internal sealed class ModelStore
{
    public const string ModelFile = "model.zip";
    public const string MetaFile = "model_meta.json";
    /// <summary>Links followed from one entry before the chain is refused.</summary>
    public const int MaxLinks = 8;

    private const string TempPrefix = ".tmp-";

    public ModelStore(string root, string tag)
    {
        Root = Path.GetFullPath(root);
        Tag = tag;
    }

    public string Root { get; }

    /// <summary>The model version tag in folder names, e.g. <c>v1</c>.</summary>
    public string Tag { get; }

    public string LatestName(string symbol) => $"{symbol}_{Tag}_latest";

    /// <summary>Writes one model: <paramref name="write"/> fills a temp folder, which then becomes the new latest.</summary>
    /// <returns>The model's folder.</returns>
    public string Write(string symbol, DateTimeOffset trainedAt, Action<string> write)
    {
        RequireSymbol(symbol);
        Directory.CreateDirectory(Root);
        var name = FreeName(symbol, trainedAt);
        var temp = Path.Combine(Root, $"{TempPrefix}{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            write(temp);
            foreach (var file in Directory.GetFiles(temp))
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
                stream.Flush(flushToDisk: true);
            }

            var final = Path.Combine(Root, name);
            Directory.Move(temp, final);
            SwitchLatest(symbol, name);
            return final;
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }

            throw;
        }
    }

    /// <summary>Points <c>&lt;SYMBOL&gt;_&lt;tag&gt;_latest</c> at <paramref name="folderName"/> in one rename.</summary>
    public void SwitchLatest(string symbol, string folderName)
    {
        RequireSymbol(symbol);
        if (!folderName.StartsWith($"{symbol}_{Tag}_", StringComparison.Ordinal) || folderName.Contains('/') || folderName.Contains('\\') || !Directory.Exists(Path.Combine(Root, folderName)))
        {
            throw new ArgumentException($"{folderName} is not a model folder of {symbol} in {Root}", nameof(folderName));
        }

        var link = Path.Combine(Root, LatestName(symbol));
        var temp = Path.Combine(Root, $"{TempPrefix}{LatestName(symbol)}-{Guid.NewGuid():N}");
        Directory.CreateSymbolicLink(temp, folderName);
        // rename(2) replaces the old link in one step; File.Move would follow the links to their folders.
        if (Rename(temp, link) != 0)
        {
            var error = Marshal.GetLastPInvokeErrorMessage();
            File.Delete(temp);
            throw new IOException($"cannot switch {link} to {folderName}: {error}");
        }
    }

    /// <summary>Every symbol's latest entry: (symbol, path of the <c>_latest</c> entry).</summary>
    public IReadOnlyList<(string Symbol, string Path)> LatestEntries()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var suffix = $"_{Tag}_latest";
        return Directory.EnumerateFileSystemEntries(Root, $"*{suffix}")
            .Select(p => (Symbol: Path.GetFileName(p)[..^suffix.Length], Path: p))
            .Where(e => SymbolInfo.IsValidSymbol(e.Symbol))
            .OrderBy(e => e.Symbol, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// The real model folder an entry of the models folder stands for (a <c>_latest</c> link, or a model folder). Every
    /// link in the chain must name, by its bare name or by an absolute path, another entry of the models folder for the
    /// same symbol and tag, and the chain must end at a real folder there. Refused (<see cref="ModelLoadException"/>):
    /// a link that leads elsewhere (<see cref="ModelLoadException.LinkOutside"/>, naming the link), more than
    /// <see cref="MaxLinks"/> links, a chain that ends nowhere (<see cref="ModelLoadException.BrokenLink"/>).
    /// </summary>
    public string ResolveLatest(string symbol, string entryPath)
    {
        var root = Root.TrimEnd(Path.DirectorySeparatorChar);
        var prefix = $"{symbol}_{Tag}_";
        var current = Path.Combine(root, Path.GetFileName(entryPath));
        for (var links = 0; new FileInfo(current).LinkTarget is { } target; links++)
        {
            var linkName = Path.GetFileName(current);
            if (links == MaxLinks)
            {
                throw new ModelLoadException(entryPath, ModelLoadException.LinkOutside, $"more than {MaxLinks} links from {Path.GetFileName(entryPath)}; refused");
            }

            // A relative target with a directory part ("x/../y") is resolved by the kernel through x, which may be a link
            // itself: only a bare name or an absolute path that is already normal is read the same way here and there.
            var next = Path.GetFullPath(target, root);
            var plain = Path.IsPathRooted(target) ? next == target : !target.Contains('/') && target is not "." and not "..";
            if (!plain || Path.GetDirectoryName(next) != root || !Path.GetFileName(next).StartsWith(prefix, StringComparison.Ordinal))
            {
                throw new ModelLoadException(entryPath, ModelLoadException.LinkOutside,
                    $"{linkName} -> {target} leads outside the models folder or to another symbol; refused");
            }

            current = next;
        }

        return Directory.Exists(current)
            ? current
            : throw new ModelLoadException(entryPath, ModelLoadException.BrokenLink, $"{Path.GetFileName(entryPath)} leads to {Path.GetFileName(current)}, which is not a folder");
    }

    /// <summary>Removes temp folders and links left by writers that were stopped part-way.</summary>
    public int RemoveLeftovers()
    {
        if (!Directory.Exists(Root))
        {
            return 0;
        }

        var removed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(Root, $"{TempPrefix}*"))
        {
            if (new FileInfo(entry).LinkTarget is not null || File.Exists(entry))
            {
                File.Delete(entry);
            }
            else
            {
                Directory.Delete(entry, recursive: true);
            }

            removed++;
        }

        return removed;
    }

    private string FreeName(string symbol, DateTimeOffset trainedAt)
    {
        var stem = $"{symbol}_{Tag}_{trainedAt.UtcDateTime.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}";
        var name = stem;
        for (var n = 2; Directory.Exists(Path.Combine(Root, name)); n++)
        {
            name = $"{stem}_{n}";
        }

        return name;
    }

    private static void RequireSymbol(string symbol)
    {
        if (!SymbolInfo.IsValidSymbol(symbol))
        {
            throw new ArgumentException($"'{symbol}' is not a valid symbol (upper case letters, digits, '.' and '-', at most 15)", nameof(symbol));
        }
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename(string oldPath, string newPath);
}
