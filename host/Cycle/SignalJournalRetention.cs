using System.Globalization;
using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// Removes whole journal files of earlier UTC days, the signal journal's (<c>signals_&lt;yyyyMMdd&gt;.jsonl</c>) and
/// the shadow families' (<c>shadow_&lt;family&gt;_&lt;yyyyMMdd&gt;.jsonl</c>) together: first those more than
/// <see cref="SignalJournalLimits.RetentionDays"/> days before today, then the oldest until the earlier days' files
/// fit in <see cref="SignalJournalLimits.MaxMb"/>. The file being written and today's files are never touched, and a
/// file whose name is not a journal day's is never removed.
/// </summary>
internal static class SignalJournalRetention
{
    private const string Prefix = "signals_";
    private const string ShadowPrefix = "shadow_";
    private const string Suffix = ".jsonl";

    /// <returns>The files removed, oldest first, with their sizes.</returns>
    public static IReadOnlyList<(string Path, long Bytes)> Prune(string signalsDir, string currentFile, DateOnly today, SignalJournalLimits limits)
    {
        if (!Directory.Exists(signalsDir) || (limits.RetentionDays <= 0 && limits.MaxMb <= 0))
        {
            return [];
        }

        var earlier = new List<(DateOnly Day, FileInfo File)>();
        foreach (var file in new DirectoryInfo(signalsDir).EnumerateFiles("*" + Suffix))
        {
            if (Day(file.Name) is { } day && day < today
                && !string.Equals(file.FullName, Path.GetFullPath(currentFile), StringComparison.Ordinal))
            {
                earlier.Add((day, file));
            }
        }

        earlier.Sort((a, b) => a.Day.CompareTo(b.Day));
        var total = earlier.Sum(e => e.File.Length);
        var removed = new List<(string, long)>();
        foreach (var (day, file) in earlier)
        {
            var tooOld = limits.RetentionDays > 0 && day < today.AddDays(-limits.RetentionDays);
            var overCap = limits.MaxMb > 0 && total > limits.MaxBytes;
            if (!tooOld && !overCap)
            {
                break;
            }

            var bytes = file.Length;
            file.Delete();
            total -= bytes;
            removed.Add((file.FullName, bytes));
        }

        return removed;
    }

    /// <summary>The day of a journal file's name; null for any other name.</summary>
    private static DateOnly? Day(string name)
    {
        string stamp;
        if (name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            stamp = name[Prefix.Length..^Suffix.Length];
        }
        else if (name.StartsWith(ShadowPrefix, StringComparison.Ordinal) && name.Length > ShadowPrefix.Length + 1 + 8 + Suffix.Length
            && name[^(Suffix.Length + 9)] == '_')
        {
            stamp = name[^(Suffix.Length + 8)..^Suffix.Length];
        }
        else
        {
            return null;
        }

        return DateOnly.TryParseExact(stamp, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
    }
}
