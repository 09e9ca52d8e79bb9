using AlphaHost.Host.Internal;

namespace AlphaHost.Host.Scoring;

/// <summary>
/// Where a stream's daily live scores are kept: <c>&lt;state&gt;/&lt;family&gt;/live_scores.jsonl</c> in the family
/// instance's state folder, <c>&lt;state&gt;/_combined/live_scores.jsonl</c> for the combined signal (no family name
/// starts with an underscore). The newest <see cref="RetainDays"/> lines are kept.
/// </summary>
internal static class LiveScoreJournal
{
    public const string FileName = "live_scores.jsonl";

    /// <summary>About three years of trading days: far longer than a burn-in or the rolling windows.</summary>
    public const int RetainDays = 750;

    private const string CombinedFolder = "_combined";

    public static string PathOf(string stateDirectory, string stream) =>
        Path.Combine(stateDirectory, stream == LiveScorer.Combined ? CombinedFolder : stream, FileName);

    public static JsonLinesJournal<LiveScoreDay> Open(string stateDirectory, string stream) => new(PathOf(stateDirectory, stream), RetainDays);

    /// <summary>Every stream with a journal under <paramref name="stateDirectory"/>, by stream name.</summary>
    public static IEnumerable<(string Stream, JsonLinesJournal<LiveScoreDay> Journal)> All(string stateDirectory)
    {
        if (!Directory.Exists(stateDirectory))
        {
            yield break;
        }

        foreach (var folder in Directory.EnumerateDirectories(stateDirectory).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(folder, FileName)))
            {
                var name = Path.GetFileName(folder);
                var stream = name == CombinedFolder ? LiveScorer.Combined : name;
                yield return (stream, Open(stateDirectory, stream));
            }
        }
    }
}
