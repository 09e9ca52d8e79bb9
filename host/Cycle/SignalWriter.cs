using System.Buffers;
using System.Globalization;
using System.Text.Json;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Internal;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// Writes each cycle's combined signals to <c>runtime/signals/signals_&lt;yyyyMMdd&gt;.jsonl</c> (one line per symbol,
/// a file per UTC day) and has <c>latest.json</c> replaced atomically with the whole cycle, right after it, by a
/// <see cref="LatestFileWriter"/> (the cycle does not wait for the file system; a failure surfaces at the next write).
/// </summary>
/// <remarks>
/// Earlier days' journal files are pruned to <see cref="SignalJournalLimits"/> (read through <paramref name="limits"/>)
/// when a day's file is opened and whenever the limits change.
/// A journal whose last line was cut short (the process was killed during a write) is trimmed back to its last whole
/// line when it is opened, so the next cycle's lines never run on from a fragment.
/// </remarks>
internal sealed class SignalWriter(string signalsDir, TimeProvider clock, ILogger? logger = null, Func<SignalJournalLimits>? limits = null) : IDisposable
{
    // Reused across cycles: a cycle writes ~500 lines and one latest.json without allocating new buffers.
    private readonly ArrayBufferWriter<byte> _journalBuffer = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _latestBuffer = new(64 * 1024);
    private readonly LatestFileWriter _latest = new(Path.Combine(signalsDir, "latest.json"), clock);
    private readonly Utf8JsonWriter _json = new(Stream.Null);
    private JsonEncodedText[] _familyNames = [];
    private FileStream? _journal;
    private string? _journalPath;
    private SignalJournalLimits? _applied;

    public string LatestPath => Path.Combine(signalsDir, "latest.json");

    /// <summary>Removes temp files of <c>latest.json</c> left by a daemon that was killed while replacing it.</summary>
    public int RemoveLeftovers() => AtomicFile.RemoveStaleTemps(LatestPath);

    public void Write(CombinedSignals combined)
    {
        var now = clock.GetUtcNow();
        var ts = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var date = combined.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var families = EncodedFamilies(combined.Families);
        var models = combined.ModelVersions.Count == 0 ? [] : combined.ModelVersions.Select(v => (JsonEncodedText.Encode(v.Key), v.Value)).ToArray();
        _journalBuffer.ResetWrittenCount();
        foreach (var signal in combined.Signals)
        {
            _json.Reset(_journalBuffer);
            _json.WriteStartObject();
            _json.WriteString(Names.Ts, ts);
            _json.WriteNumber(Names.Cycle, combined.Cycle);
            _json.WriteString(Names.MarketDate, date);
            _json.WriteString(Names.Symbol, signal.Symbol);
            WriteRounded(_json, Names.Signal, signal.Signal);
            WriteContributions(_json, families, signal.Contributions);
            WriteModels(_json, models);
            _json.WriteEndObject();
            _json.Flush();
            _journalBuffer.Write("\n"u8);
        }

        var journal = Journal(now);
        journal.Write(_journalBuffer.WrittenSpan);
        journal.Flush();
        ApplyRetention(now);

        _latestBuffer.ResetWrittenCount();
        _json.Reset(_latestBuffer);
        _json.WriteStartObject();
        _json.WriteString("ts", ts);
        _json.WriteNumber("cycle", combined.Cycle);
        _json.WriteString("market_date", date);
        _json.WriteStartArray("families");
        foreach (var family in combined.Families)
        {
            _json.WriteStringValue(family);
        }

        _json.WriteEndArray();
        WriteModels(_json, models);
        _json.WriteStartObject("signals");
        foreach (var signal in combined.Signals)
        {
            _json.WriteStartObject(signal.Symbol);
            WriteRounded(_json, Names.Signal, signal.Signal);
            WriteContributions(_json, families, signal.Contributions);
            _json.WriteEndObject();
        }

        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.Flush();

        // Replaced on the latest writer's thread: the cycle does not wait for the file system's create and rename.
        _latest.Submit(_latestBuffer.WrittenSpan);
    }

    /// <summary>The last cycle's <c>latest.json</c> content, valid until the next <see cref="Write"/>.</summary>
    public ReadOnlySpan<byte> LatestJson => _latestBuffer.WrittenSpan;

    /// <summary>Waits until the last <c>latest.json</c> handed over is written, at most <paramref name="timeout"/>; true when it is.</summary>
    public bool Flush(TimeSpan timeout) => _latest.Flush(timeout);

    /// <summary>Writes the last <c>latest.json</c> (at most 5 s) and closes the journal.</summary>
    public void Dispose()
    {
        _latest.Dispose();
        _journal?.Dispose();
        _json.Dispose();
    }

    /// <summary><c>"models": {"ml_alpha": "&lt;version&gt;"}</c>: which models produced each model family's part; left out when no model family contributed.</summary>
    private static void WriteModels(Utf8JsonWriter json, (JsonEncodedText Family, string Version)[] versions)
    {
        if (versions.Length == 0)
        {
            return;
        }

        json.WriteStartObject(Names.Models);
        foreach (var (family, version) in versions)
        {
            json.WriteString(family, version);
        }

        json.WriteEndObject();
    }

    private static void WriteContributions(Utf8JsonWriter json, JsonEncodedText[] families, double[] contributions)
    {
        json.WriteStartObject(Names.Contributions);
        for (var f = 0; f < families.Length; f++)
        {
            WriteRounded(json, families[f], contributions[f]);
        }

        json.WriteEndObject();
    }

    /// <summary>The families' names as property names, encoded once while the set of families stays the same.</summary>
    private JsonEncodedText[] EncodedFamilies(IReadOnlyList<string> families)
    {
        if (_familyNames.Length != families.Count || !_familyNames.Select(n => n.Value).SequenceEqual(families, StringComparer.Ordinal))
        {
            _familyNames = families.Select(f => JsonEncodedText.Encode(f)).ToArray();
        }

        return _familyNames;
    }

    /// <summary>Property names written ~3,000 times a cycle, encoded once.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText Ts = JsonEncodedText.Encode("ts");
        public static readonly JsonEncodedText Cycle = JsonEncodedText.Encode("cycle");
        public static readonly JsonEncodedText MarketDate = JsonEncodedText.Encode("market_date");
        public static readonly JsonEncodedText Symbol = JsonEncodedText.Encode("symbol");
        public static readonly JsonEncodedText Signal = JsonEncodedText.Encode("signal");
        public static readonly JsonEncodedText Contributions = JsonEncodedText.Encode("contributions");
        public static readonly JsonEncodedText Models = JsonEncodedText.Encode("models");
    }

    /// <summary>
    /// Writes <c>Math.Round(value, 6)</c> as a plain decimal with at most six fractional digits, which reads back as
    /// exactly that double. A cycle writes ~5,000 such numbers (a signal and each family's contribution per symbol, in
    /// the journal and in latest.json); the general shortest-round-trip formatter took most of the writer's time.
    /// </summary>
    internal static void WriteRounded(Utf8JsonWriter json, JsonEncodedText name, double value)
    {
        var rounded = Math.Round(value, 6);
        if (!double.IsFinite(rounded) || Math.Abs(rounded) >= 1e9)
        {
            json.WriteNumber(name, rounded);
            return;
        }

        // rounded is k / 1e6 for an integer k well inside a double's exact range; its decimal digits are k's.
        var micros = (long)Math.Round(rounded * 1e6);
        Span<byte> text = stackalloc byte[24];
        var length = 0;
        if (micros < 0)
        {
            text[length++] = (byte)'-';
        }

        var magnitude = (ulong)Math.Abs(micros);
        System.Buffers.Text.Utf8Formatter.TryFormat(magnitude / 1_000_000, text[length..], out var written);
        length += written;
        var fraction = (int)(magnitude % 1_000_000);
        if (fraction != 0)
        {
            text[length++] = (byte)'.';
            for (var divisor = 100_000; fraction != 0; divisor /= 10)
            {
                text[length++] = (byte)('0' + (fraction / divisor));
                fraction %= divisor;
            }
        }

        json.WritePropertyName(name);
        json.WriteRawValue(text[..length], skipInputValidation: true);
    }

    private void ApplyRetention(DateTimeOffset now)
    {
        if (limits?.Invoke() is not { } current || current == _applied)
        {
            return;
        }

        _applied = current;
        try
        {
            var removed = SignalJournalRetention.Prune(signalsDir, _journalPath!, DateOnly.FromDateTime(now.UtcDateTime), current);
            if (removed.Count > 0)
            {
                logger?.LogInformation("Signal journal retention (host.signals_retention_days {Days}, host.signals_max_mb {MaxMb}): removed {Count} file(s), {Megabytes:0.0} MB: {Files}",
                    current.RetentionDays, current.MaxMb, removed.Count, removed.Sum(r => r.Bytes) / (1024.0 * 1024.0), string.Join(", ", removed.Select(r => Path.GetFileName(r.Path))));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Tried again with the next day's file; the signals themselves were written.
            logger?.LogWarning("Signal journal retention could not remove old files in {SignalsDir}: {Error}", signalsDir, ex.Message);
        }
    }

    private FileStream Journal(DateTimeOffset now)
    {
        var path = Path.Combine(signalsDir, $"signals_{now.UtcDateTime:yyyyMMdd}.jsonl");
        if (_journal is null || _journalPath != path)
        {
            _journal?.Dispose();
            _journal = JsonLines.OpenForAppend(path, out var dropped);
            if (dropped > 0)
            {
                logger?.LogWarning("Signal journal {Journal} ended in a partial line from an interrupted write; {Bytes} bytes dropped", path, dropped);
            }

            _journalPath = path;
            _applied = null;
        }

        return _journal;
    }
}
