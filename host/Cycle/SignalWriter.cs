using System.Globalization;
using System.Text.Json;
using AlphaHost.Host.Internal;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// Writes each cycle's combined signals to <c>runtime/signals/signals_&lt;yyyyMMdd&gt;.jsonl</c> (one line per symbol,
/// a file per UTC day) and replaces <c>latest.json</c> atomically with the whole cycle.
/// </summary>
internal sealed class SignalWriter(string signalsDir, TimeProvider clock) : IDisposable
{
    private FileStream? _journal;
    private string? _journalPath;

    public string LatestPath => Path.Combine(signalsDir, "latest.json");

    public void Write(CombinedSignals combined)
    {
        var now = clock.GetUtcNow();
        var ts = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var date = combined.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        using var lines = new MemoryStream(combined.Signals.Count * 128);
        foreach (var signal in combined.Signals)
        {
            using (var json = new Utf8JsonWriter(lines))
            {
                json.WriteStartObject();
                json.WriteString("ts", ts);
                json.WriteNumber("cycle", combined.Cycle);
                json.WriteString("market_date", date);
                json.WriteString("symbol", signal.Symbol);
                json.WriteNumber("signal", Math.Round(signal.Signal, 6));
                WriteContributions(json, combined.Families, signal.Contributions);
                json.WriteEndObject();
            }

            lines.WriteByte((byte)'\n');
        }

        var journal = Journal(now);
        journal.Write(lines.GetBuffer(), 0, (int)lines.Length);
        journal.Flush();

        using var latest = new MemoryStream(combined.Signals.Count * 96);
        using (var json = new Utf8JsonWriter(latest, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteString("ts", ts);
            json.WriteNumber("cycle", combined.Cycle);
            json.WriteString("market_date", date);
            json.WriteStartArray("families");
            foreach (var family in combined.Families)
            {
                json.WriteStringValue(family);
            }

            json.WriteEndArray();
            json.WriteStartObject("signals");
            foreach (var signal in combined.Signals)
            {
                json.WriteStartObject(signal.Symbol);
                json.WriteNumber("signal", Math.Round(signal.Signal, 6));
                WriteContributions(json, combined.Families, signal.Contributions);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        // Replaced every cycle: atomic, but not forced to disk each time (the journal holds the history).
        AtomicFile.Write(LatestPath, latest.GetBuffer().AsSpan(0, (int)latest.Length), durable: false);
    }

    public void Dispose() => _journal?.Dispose();

    private static void WriteContributions(Utf8JsonWriter json, IReadOnlyList<string> families, double[] contributions)
    {
        json.WriteStartObject("contributions");
        for (var f = 0; f < families.Count; f++)
        {
            json.WriteNumber(families[f], Math.Round(contributions[f], 6));
        }

        json.WriteEndObject();
    }

    private FileStream Journal(DateTimeOffset now)
    {
        var path = Path.Combine(signalsDir, $"signals_{now.UtcDateTime:yyyyMMdd}.jsonl");
        if (_journal is null || _journalPath != path)
        {
            _journal?.Dispose();
            Directory.CreateDirectory(signalsDir);
            _journal = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            _journalPath = path;
        }

        return _journal;
    }
}
