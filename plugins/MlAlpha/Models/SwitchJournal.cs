using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// <c>switches.jsonl</c> in the models folder: one JSON object a line per change of a <c>_latest</c> entry, only ever
/// appended (a <see cref="JsonLinesJournal{T}"/>): each line is flushed to disk before the link it describes is switched.
/// Writers hold <see cref="Lock"/>: one switch at a time across processes.
/// </summary>
internal sealed class SwitchJournal(string modelsDirectory)
{
    public const string FileName = "switches.jsonl";

    private const string LockFile = "switches.lock";
    private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(30);

    // Never trimmed: the journal is the models folder's whole history of switches.
    private readonly JsonLinesJournal<ModelSwitch> _journal = new(System.IO.Path.Combine(modelsDirectory, FileName), retain: null, durable: true,
        accept: entry => entry is { Target: not null, To: not null });

    public string Path => _journal.Path;

    /// <summary>
    /// Size and write time of the journal and the models folder's write time, to notice a switch by another process
    /// without reading anything. The folder's time moves when a link is replaced (a new link renamed over it), which
    /// happens after the journal line: a reader that looked between the two sees the stamp change again.
    /// </summary>
    public (long Length, DateTime WrittenAt, DateTime FolderWrittenAt) Stamp()
    {
        var info = new FileInfo(Path);
        var folder = new DirectoryInfo(modelsDirectory);
        return (info.Exists ? info.Length : 0, info.Exists ? info.LastWriteTimeUtc : default, folder.Exists ? folder.LastWriteTimeUtc : default);
    }

    /// <summary>Takes the models folder's switch lock (an advisory file lock the kernel releases when its holder dies).</summary>
    public IDisposable Lock()
    {
        Directory.CreateDirectory(modelsDirectory);
        var path = System.IO.Path.Combine(modelsDirectory, LockFile);
        var waited = TimeSpan.Zero;
        var pause = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited < LockPatience && File.Exists(path))
            {
                Thread.Sleep(pause);
                waited += pause;
            }
            catch (IOException ex)
            {
                throw new IOException($"{path}: another process holds the models folder's switch lock ({ex.Message})", ex);
            }
        }
    }

    public void Append(ModelSwitch entry) => _journal.Append(entry);

    /// <summary>Every readable switch, oldest first; <paramref name="unreadable"/> counts lines that are not a switch (a line cut short by a crash, or edited by hand).</summary>
    public IReadOnlyList<ModelSwitch> Read(out int unreadable) => _journal.Read(out unreadable);

    public IReadOnlyList<ModelSwitch> Read() => Read(out _);
}
