using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlphaHost.Host.Observability;

/// <summary>One finished <c>audit</c>: where its report went and how many symbols passed.</summary>
internal sealed record AuditRecord(
    [property: JsonPropertyName("ts")] DateTimeOffset At,
    [property: JsonPropertyName("report")] string Report,
    [property: JsonPropertyName("family")] string Family,
    [property: JsonPropertyName("window_start")] DateOnly WindowStart,
    [property: JsonPropertyName("window_end")] DateOnly WindowEnd,
    [property: JsonPropertyName("total_symbols")] int TotalSymbols,
    [property: JsonPropertyName("passed")] int Passed,
    [property: JsonPropertyName("pass_rate")] double PassRate,
    [property: JsonPropertyName("min_pass_rate")] double MinPassRate,
    [property: JsonPropertyName("verdict")] string Verdict);

/// <summary>
/// <c>logs/audits.jsonl</c> of a runtime folder: a line per finished <c>audit</c>, wherever its report was written, so
/// the daemon's metrics (<c>alphahost_audit_pass_ratio</c>) and the dashboard know the newest report's pass rate and
/// the history of them. Each line is appended in one write; a line cut short by a crash is skipped by readers.
/// </summary>
internal static class AuditJournal
{
    public const string FileName = "audits.jsonl";

    /// <summary>The newest end of the file read back: thousands of audits.</summary>
    private const int TailBytes = 1024 * 1024;

    public static void Append(string logsDir, AuditRecord record)
    {
        JsonLines.Append(Path.Combine(logsDir, FileName), JsonSerializer.SerializeToUtf8Bytes(record), durable: false);
    }

    /// <summary>The newest audits, oldest first (at most <paramref name="max"/>); none when the file is missing.</summary>
    public static IReadOnlyList<AuditRecord> Recent(string logsDir, int max)
    {
        var records = new List<AuditRecord>();
        foreach (var line in Internal.FileTail.Lines(Path.Combine(logsDir, FileName), TailBytes))
        {
            try
            {
                if (JsonSerializer.Deserialize<AuditRecord>(line) is { Report: not null, Verdict: not null } record && double.IsFinite(record.PassRate))
                {
                    records.Add(record);
                }
            }
            catch (JsonException)
            {
                // A line cut short by a crash, or written by hand: skipped.
            }
        }

        return records.Count > max ? records[^max..] : records;
    }

    /// <summary>The newest audit, or null.</summary>
    public static AuditRecord? Newest(string logsDir) => Recent(logsDir, 1) is [var newest] ? newest : null;

    /// <summary>The record's time as a Unix timestamp (the metric <c>alphahost_audit_timestamp_seconds</c>).</summary>
    public static double UnixSeconds(AuditRecord record) => record.At.ToUnixTimeMilliseconds() / 1000.0;
}
