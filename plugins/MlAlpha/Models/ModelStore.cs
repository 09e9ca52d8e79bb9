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

    /// <summary>The folder a <c>_latest</c> entry stands for: its link target, which must be a sibling model folder of the same symbol.</summary>
    public string ResolveLatest(string symbol, string latestPath)
    {
        var info = new DirectoryInfo(latestPath);
        if (info.LinkTarget is not { } target)
        {
            return info.Exists ? latestPath : throw new InvalidDataException($"{latestPath}: not a folder or a link to one");
        }

        var name = Path.GetFileName(target.TrimEnd('/', '\\'));
        var resolved = Path.GetFullPath(Path.Combine(Root, target));
        if (Path.GetDirectoryName(resolved) != Root.TrimEnd(Path.DirectorySeparatorChar) || !name.StartsWith($"{symbol}_{Tag}_", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{latestPath}: points outside the models folder or at another symbol ({target}); refused");
        }

        return Directory.Exists(resolved) ? resolved : throw new InvalidDataException($"{latestPath}: points at {name}, which does not exist");
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
