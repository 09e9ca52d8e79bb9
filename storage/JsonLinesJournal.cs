using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlphaHost.Storage;

/// <summary>
/// A journal of one JSON object a line, only ever appended (see <see cref="JsonLines"/> for how a line cut short by a
/// crash is handled), optionally bounded: when the file holds a quarter more than <see cref="Retain"/> lines, it is
/// rewritten atomically and durably with its newest <see cref="Retain"/> readable lines. One writer per file when bounded.
/// </summary>
/// <typeparam name="T">The record of a line.</typeparam>
public sealed class JsonLinesJournal<T>
    where T : class
{
    /// <summary>The journals' spelling: snake_case names, non-ASCII text as is, NaN and infinities as named literals (read-only).</summary>
    public static readonly JsonSerializerOptions DefaultJson = ReadOnly(new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    });

    private readonly JsonSerializerOptions _json;
    private readonly Func<T, bool>? _accept;
    private int? _lines;

    /// <summary>A journal at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="retain">Lines kept when the journal is trimmed; null: never trimmed.</param>
    /// <param name="durable">fsync(2) every append (the journal is what a restart or an audit reads back).</param>
    /// <param name="json">How a line is spelled; <see cref="DefaultJson"/> when null.</param>
    /// <param name="accept">Whether a parsed line is a record (required fields present); others count as unreadable.</param>
    public JsonLinesJournal(string path, int? retain = null, bool durable = true, JsonSerializerOptions? json = null, Func<T, bool>? accept = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retain ?? 1, 1, nameof(retain));
        Path = path;
        Retain = retain;
        Durable = durable;
        _json = json ?? DefaultJson;
        _accept = accept;
    }

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <summary>Lines kept when the journal is trimmed; null when it is never trimmed.</summary>
    public int? Retain { get; }

    /// <summary>Whether every append is forced to disk.</summary>
    public bool Durable { get; }

    /// <summary>Appends <paramref name="entry"/> as one line, trimming the journal first when it outgrew <see cref="Retain"/>.</summary>
    /// <param name="entry">The record.</param>
    public void Append(T entry)
    {
        if (Retain is { } retain)
        {
            _lines ??= File.Exists(Path) ? File.ReadLines(Path).Count(l => l.Length > 0) : 0;
            if (_lines >= retain + (retain / 4))
            {
                Trim(retain);
            }
        }

        JsonLines.Append(Path, JsonSerializer.SerializeToUtf8Bytes(entry, _json), Durable);
        _lines++;
    }

    /// <summary>Every readable line, oldest first; <paramref name="unreadable"/> counts the others (a line cut short by a crash).</summary>
    /// <param name="unreadable">How many non-empty lines were not a record.</param>
    /// <returns>The records.</returns>
    public IReadOnlyList<T> Read(out int unreadable) => JsonLines.Read(Path, Parse, out unreadable);

    /// <summary>Every readable line, oldest first.</summary>
    /// <returns>The records.</returns>
    public IReadOnlyList<T> Read() => Read(out _);

    private static JsonSerializerOptions ReadOnly(JsonSerializerOptions options)
    {
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private T? Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(line, _json) is { } entry && (_accept is null || _accept(entry)) ? entry : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Trim(int retain)
    {
        var kept = File.ReadLines(Path).Where(l => l.Length > 0 && Parse(l) is not null).TakeLast(retain).ToArray();
        AtomicFile.Write(Path, Encoding.UTF8.GetBytes(string.Concat(kept.Select(l => l + "\n"))), durable: true);
        _lines = kept.Length;
    }
}
