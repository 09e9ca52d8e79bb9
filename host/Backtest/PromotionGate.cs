using System.Globalization;

namespace AlphaHost.Host.Backtest;

/// <summary>
/// What <c>models promote</c> checks before it switches, the same check the burn-in's expectation makes: the newest
/// backtest of the very models the live instance would serve after the switch (matched by their content hash, in the
/// <c>backtests.jsonl</c> of the models folder and of the folder the model comes from) PASSED. A FAIL or no backtest
/// refuses the promotion unless the operator overrides it, which is then recorded with the switch.
/// </summary>
/// <param name="Content">The content hash of the models the switch would serve; null when the family cannot tell.</param>
/// <param name="Latest">The newest backtest of that content; null when none is recorded.</param>
/// <param name="Journals">The journals read.</param>
internal sealed record PromotionGate(string? Content, BacktestExpectation? Latest, IReadOnlyList<string> Journals)
{
    public bool Passed => Latest is { Verdict: "PASS" };

    /// <param name="content">The content hash the family gives for the switch.</param>
    /// <param name="modelsDirectories">The live models folder, and the one the model is promoted from.</param>
    public static PromotionGate For(string? content, IEnumerable<string> modelsDirectories)
    {
        var journals = modelsDirectories.Select(d => BacktestExpectation.Journal(Path.GetFullPath(d))).DistinctBy(j => j.Path).ToArray();
        var latest = content is null ? null
            : journals.SelectMany(j => j.Read()).Where(e => e.ModelContent == content).MaxBy(e => e.At);
        return new PromotionGate(content, latest, [.. journals.Select(j => j.Path)]);
    }

    /// <summary>One line naming the switch, the backtest record and its verdict (or that there is none).</summary>
    public string Describe(string target, string folder) => Latest is { } record
        ? string.Create(CultureInfo.InvariantCulture,
            $"{target} -> {folder}: the latest backtest of the models it would serve ({BacktestExpectation.Short(Content)}) is {record.Verdict}: {record.At.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} over {record.Window}, net Sharpe {record.NetSharpe:0.00}, report {record.Report} (in {string.Join(" or ", Journals)})")
        : Content is null
            ? $"{target} -> {folder}: the family cannot say which models it would serve, so no backtest of them can be found"
            : $"{target} -> {folder}: no backtest of the models it would serve ({BacktestExpectation.Short(Content)}) in {string.Join(" or ", Journals)}";
}
