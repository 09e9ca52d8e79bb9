using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AlphaHost.Abstractions;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// <c>switches.jsonl</c> in the models folder: one JSON object a line per change of a <c>_latest</c> entry, only ever
/// appended. Each line is written in one call and flushed to disk before the link it describes is switched; a line cut
/// short by a crash is skipped by readers and closed with a newline by the next writer, so it never swallows the next one.
/// Writers hold <see cref="Lock"/>: one switch at a time across processes.
/// </summary>
internal sealed class SwitchJournal(string modelsDirectory)
{
    public const string FileName = "switches.jsonl";

    private const string LockFile = "switches.lock";
    private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(30);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string Path { get; } = System.IO.Path.Combine(modelsDirectory, FileName);

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

    public void Append(ModelSwitch entry)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, Json) + "\n");
        using var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        var prefix = stream.Length > 0 && LastByte(stream) != (byte)'\n' ? "\n"u8.ToArray() : [];
        stream.Seek(0, SeekOrigin.End);
        stream.Write([.. prefix, .. line]);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Every readable switch, oldest first; <paramref name="unreadable"/> counts lines that are not a switch (a line cut short by a crash).</summary>
    public IReadOnlyList<ModelSwitch> Read(out int unreadable)
    {
        unreadable = 0;
        if (!File.Exists(Path))
        {
            return [];
        }

        var entries = new List<ModelSwitch>();
        foreach (var line in File.ReadLines(Path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (Parse(line) is { } entry)
            {
                entries.Add(entry);
            }
            else
            {
                unreadable++;
            }
        }

        return entries;
    }

    /// <summary>One line as a switch; null for a line that is not one (cut short by a crash, or edited by hand).</summary>
    private static ModelSwitch? Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<ModelSwitch>(line, Json) is { Target: not null, To: not null } entry ? entry : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public IReadOnlyList<ModelSwitch> Read() => Read(out _);

    private static byte LastByte(FileStream stream)
    {
        stream.Seek(-1, SeekOrigin.End);
        return (byte)stream.ReadByte();
    }
}
