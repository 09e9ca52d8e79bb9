using System.Globalization;
using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// Removes whole journal files (<c>signals_&lt;yyyyMMdd&gt;.jsonl</c>) of earlier UTC days: first those more than
/// <see cref="SignalJournalLimits.RetentionDays"/> days before today, then the oldest until the earlier days' files
/// fit in <see cref="SignalJournalLimits.MaxMb"/>. The file being written is never touched, and a file whose name is
/// not a journal day's is never removed.
/// </summary>
internal static class SignalJournalRetention
{
    private const string Prefix = "signals_";
    private const string Suffix = ".jsonl";

    /// <returns>The files removed, oldest first, with their sizes.</returns>
    public static IReadOnlyList<(string Path, long Bytes)> Prune(string signalsDir, string currentFile, DateOnly today, SignalJournalLimits limits)
    {
        if (!Directory.Exists(signalsDir) || (limits.RetentionDays <= 0 && limits.MaxMb <= 0))
        {
            return [];
        }

        var earlier = new List<(DateOnly Day, FileInfo File)>();
        foreach (var file in new DirectoryInfo(signalsDir).EnumerateFiles(Prefix + "*" + Suffix))
        {
            var stamp = file.Name[Prefix.Length..^Suffix.Length];
            if (DateOnly.TryParseExact(stamp, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
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
}
