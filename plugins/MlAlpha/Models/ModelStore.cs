using System.Globalization;
using System.Runtime.InteropServices;
using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// The models folder: <c>&lt;SYMBOL&gt;_&lt;tag&gt;_&lt;yyyyMMdd_HHmmss&gt;/</c> holds <c>model.zip</c> and <c>model_meta.json</c>;
/// <c>&lt;SYMBOL&gt;_&lt;tag&gt;_latest</c> is a symbolic link to the newest. A model is written into a hidden temp folder,
/// flushed, and renamed into place; the latest link is switched last, by renaming a new link over it. A reader therefore
/// sees the previous model or the new one, never a half-written one, whenever the writer is stopped. Every switch of a
/// latest link is first appended to the <see cref="SwitchJournal"/> (flushed), then made by the rename, then made durable
/// by flushing the folder: a writer stopped in between leaves a journal line whose link still points at its
/// <c>from</c>, which <see cref="Recover"/> completes.
/// </summary>
internal sealed class ModelStore
{
    public const string ModelFile = "model.zip";
    public const string MetaFile = "model_meta.json";
    /// <summary>Links followed from one entry before the chain is refused.</summary>
    public const int MaxLinks = 8;

    private const string TempPrefix = ".tmp-";
    private readonly TimeProvider _clock;
    private readonly Action<SwitchPoint>? _reached;

    /// <param name="root">The models folder.</param>
    /// <param name="tag">The model version tag in folder names.</param>
    /// <param name="clock">The clock of the journal's <c>at</c>.</param>
    /// <param name="reached">Told at each <see cref="SwitchPoint"/> of a switch, before the switch goes on: how a test
    /// stops the writer there (it kills its own process) to prove that every stop leaves a state the next writer completes.</param>
    public ModelStore(string root, string tag, TimeProvider clock, Action<SwitchPoint>? reached = null)
    {
        Root = Path.GetFullPath(root);
        Tag = tag;
        _clock = clock;
        _reached = reached;
        Journal = new SwitchJournal(Root);
    }

    /// <summary>The record of every switch of a latest link in this folder.</summary>
    public SwitchJournal Journal { get; }

    public string Root { get; }

    /// <summary>The model version tag in folder names, e.g. <c>v1</c>.</summary>
    public string Tag { get; }

    public string LatestName(string symbol) => $"{symbol}_{Tag}_latest";

    /// <summary>Writes one model: <paramref name="write"/> fills a temp folder, which then becomes the new latest.</summary>
    /// <returns>The model's folder.</returns>
    public string Write(string symbol, DateTimeOffset trainedAt, Action<string> write, SwitchOrigin? origin = null)
    {
        RequireSymbol(symbol);
        Directory.CreateDirectory(Root);
        var name = FreeName(symbol, trainedAt);
        var temp = TempPath(name);
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
            using (Journal.Lock())
            {
                SwitchLatest(symbol, name, "train", origin);
            }

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

    /// <summary>
    /// Points <c>&lt;SYMBOL&gt;_&lt;tag&gt;_latest</c> at <paramref name="folderName"/> in one rename, recorded in the journal
    /// first. The caller holds <see cref="SwitchJournal.Lock"/>.
    /// </summary>
    /// <returns>The switch as recorded.</returns>
    public ModelSwitch SwitchLatest(string symbol, string folderName, string action, SwitchOrigin? origin)
    {
        RequireModelFolder(symbol, folderName);
        var from = CurrentFolder(symbol);
        origin ??= new SwitchOrigin(Environment.UserName, "", Environment.CommandLine);
        var entry = new ModelSwitch(_clock.GetUtcNow(), action, symbol, from, folderName,
            from is null ? null : ModelSha256(from), ModelSha256(folderName), origin.User, origin.Reason, origin.Command);
        _reached?.Invoke(SwitchPoint.BeforeJournal);
        Journal.Append(entry);
        _reached?.Invoke(SwitchPoint.AfterJournal);
        Relink(symbol, folderName);
        _reached?.Invoke(SwitchPoint.AfterLink);
        return entry;
    }

    /// <summary>
    /// Completes switches a stopped writer recorded but did not make: a target whose last journal line says
    /// <c>from -> to</c> while its link still points at <c>from</c> is switched to <c>to</c>. A link changed by hand is left
    /// as it is. The caller holds <see cref="SwitchJournal.Lock"/>.
    /// </summary>
    /// <returns>The switches completed.</returns>
    public IReadOnlyList<ModelSwitch> Recover()
    {
        var completed = new List<ModelSwitch>();
        foreach (var last in Journal.Read().GroupBy(e => e.Target, StringComparer.Ordinal).Select(g => g.Last()))
        {
            if (SymbolInfo.IsValidSymbol(last.Target) && CurrentFolder(last.Target) is var current && current != last.To && current == last.From
                && Directory.Exists(Path.Combine(Root, last.To)))
            {
                Relink(last.Target, last.To);
                completed.Add(last);
            }
        }

        return completed;
    }

    /// <summary>The folder name a symbol's latest link points at now; null when it has none.</summary>
    public string? CurrentFolder(string symbol)
    {
        var target = new FileInfo(Path.Combine(Root, LatestName(symbol))).LinkTarget;
        return target is null ? null : Path.GetFileName(target.TrimEnd('/', '\\'));
    }

    /// <summary>SHA-256 of a model folder's model file; null when it has none.</summary>
    public string? ModelSha256(string folderName)
    {
        var file = Path.Combine(Root, folderName, ModelFile);
        return File.Exists(file) ? ModelLoader.Sha256(file) : null;
    }

    private void RequireModelFolder(string symbol, string folderName)
    {
        RequireSymbol(symbol);
        if (!folderName.StartsWith($"{symbol}_{Tag}_", StringComparison.Ordinal) || folderName == LatestName(symbol) || folderName.Contains('/') || folderName.Contains('\\')
            || !Directory.Exists(Path.Combine(Root, folderName)) || new DirectoryInfo(Path.Combine(Root, folderName)).LinkTarget is not null)
        {
            throw new ArgumentException($"{folderName} is not a model folder of {symbol} in {Root}", nameof(folderName));
        }
    }

    private void Relink(string symbol, string folderName)
    {
        var link = Path.Combine(Root, LatestName(symbol));
        var temp = TempPath(LatestName(symbol));
        Directory.CreateSymbolicLink(temp, folderName);
        // rename(2) replaces the old link in one step; File.Move would follow the links to their folders.
        if (Rename(temp, link) != 0)
        {
            var error = Marshal.GetLastPInvokeErrorMessage();
            File.Delete(temp);
            throw new IOException($"cannot switch {link} to {folderName}: {error}");
        }

        FolderSync.Flush(Root);
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

    /// <summary>Removes a model folder: renamed to a temp name first, so a stopped removal leaves only a leftover, never half a model.</summary>
    public void Remove(string folderName)
    {
        var temp = TempPath(folderName);
        Directory.Move(Path.Combine(Root, folderName), temp);
        Directory.Delete(temp, recursive: true);
    }

    /// <summary>
    /// Removes temp folders and links left by writers that were stopped part-way: those of processes that no longer run.
    /// A running process's temp entry is a model or link it is about to rename into place (a second <c>train</c> on the
    /// same folder), and is left alone; an entry without a process id (an older version's) is a leftover.
    /// </summary>
    public int RemoveLeftovers()
    {
        if (!Directory.Exists(Root))
        {
            return 0;
        }

        var removed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(Root, $"{TempPrefix}*"))
        {
            if (WriterOf(entry) is { } writer && ProcessProbe.IsRunning(writer))
            {
                continue;
            }

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

    /// <summary>
    /// Copies the model folder <paramref name="source"/> (of another models folder) in under its own name, the way a model
    /// is written: into a temp folder, flushed, renamed into place, so a reader never sees half a copy.
    /// </summary>
    /// <returns>The copy's name.</returns>
    public string CopyIn(string source)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(source));
        Directory.CreateDirectory(Root);
        var temp = TempPath(name);
        Directory.CreateDirectory(temp);
        try
        {
            foreach (var file in Directory.GetFiles(source))
            {
                var copy = Path.Combine(temp, Path.GetFileName(file));
                File.Copy(file, copy);
                using var stream = new FileStream(copy, FileMode.Open, FileAccess.ReadWrite);
                stream.Flush(flushToDisk: true);
            }

            Directory.Move(temp, Path.Combine(Root, name));
            return name;
        }
        catch
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    /// <summary>A temp entry for <paramref name="name"/>: <c>.tmp-NAME-PID-GUID</c>, naming the process writing it.</summary>
    private string TempPath(string name) => Path.Combine(Root, $"{TempPrefix}{name}-{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>The process id in a temp entry's name; null for a name without one.</summary>
    private static int? WriterOf(string entry)
    {
        var parts = Path.GetFileName(entry).Split('-');
        return parts.Length >= 4 && int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
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
