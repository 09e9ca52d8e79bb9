using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlphaHost.Host.Internal;

/// <summary>
/// A journal of one JSON object a line, only ever appended and bounded in length. Each line is written in one call and
/// flushed to disk; a line cut short by a crash is skipped by readers and closed with a newline by the next writer, so it
/// never swallows the next one. When the file holds more than <see cref="Retain"/> lines by a quarter, it is rewritten
/// atomically (temp file, fsync, rename) with its newest <see cref="Retain"/> lines. One writer per file.
/// </summary>
/// <typeparam name="T">The record of a line.</typeparam>
internal sealed class JsonLinesJournal<T>(string path, int retain)
    where T : class
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private int? _lines;

    public string Path { get; } = path;

    /// <summary>Lines kept when the journal is trimmed.</summary>
    public int Retain { get; } = retain;

    public void Append(T entry)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        _lines ??= File.Exists(Path) ? File.ReadLines(Path).Count(l => l.Length > 0) : 0;
        if (_lines >= Retain + (Retain / 4))
        {
            Trim();
        }

        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, Json) + "\n");
        using var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        var prefix = stream.Length > 0 && LastByte(stream) != (byte)'\n' ? "\n"u8.ToArray() : [];
        stream.Seek(0, SeekOrigin.End);
        stream.Write([.. prefix, .. line]);
        stream.Flush(flushToDisk: true);
        _lines++;
    }

    /// <summary>Every readable line, oldest first; <paramref name="unreadable"/> counts the others (a line cut short by a crash).</summary>
    public IReadOnlyList<T> Read(out int unreadable)
    {
        unreadable = 0;
        if (!File.Exists(Path))
        {
            return [];
        }

        var entries = new List<T>();
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

    public IReadOnlyList<T> Read() => Read(out _);

    private static T? Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(line, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Trim()
    {
        var kept = File.ReadLines(Path).Where(l => l.Length > 0 && Parse(l) is not null).TakeLast(Retain).ToArray();
        AtomicFile.Write(Path, Encoding.UTF8.GetBytes(string.Concat(kept.Select(l => l + "\n"))), durable: true);
        _lines = kept.Length;
    }

    private static byte LastByte(FileStream stream)
    {
        stream.Seek(-1, SeekOrigin.End);
        return (byte)stream.ReadByte();
    }
}
