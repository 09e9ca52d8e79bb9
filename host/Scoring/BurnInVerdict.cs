using System.Globalization;
using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;
using MathNet.Numerics.Distributions;

namespace AlphaHost.Host.Scoring;

/// <summary>One check of a burn-in and the line that explains it.</summary>
internal sealed record BurnInCheck(string Name, bool Passed, string Reason);

/// <summary>
/// The burn-in of a family instance's current model version: the days of its live score journal since that version began
/// to serve, held against the backtest of the same model bytes. Checks: enough scored days, no governance trip, model
/// errors within the limit, the newest backtest of those bytes PASSED over a window after their training data, and the
/// live daily rank IC is not significantly below that backtest's mean (one-sample Student t-test, one-sided).
/// </summary>
internal sealed record BurnInVerdict
{
    public const string TestName = "one-sided one-sample Student t-test of the live daily rank ICs against the backtest mean";

    public required string Family { get; init; }

    public required string? ModelVersion { get; init; }

    /// <summary>The bytes of the models that served (<see cref="LiveScoreDay.ModelContent"/>); the backtest is looked up by them.</summary>
    public required string? ModelContent { get; init; }

    /// <summary>The journal days of the burn-in, oldest first.</summary>
    public required IReadOnlyList<LiveScoreDay> Days { get; init; }

    /// <summary>The backtest the verdict used: the newest recorded of the bytes that served; null when there is none.</summary>
    public required BacktestExpectation? Backtest { get; init; }

    /// <summary><see cref="Backtest"/> when it qualifies as the expectation (PASS, after the training data); else null.</summary>
    public required BacktestExpectation? Expectation { get; init; }

    public required int ScoredDays { get; init; }

    public required double? LiveRankIcMean { get; init; }

    public required double? LiveRankIcStd { get; init; }

    public required double? LiveHorizonRankIcMean { get; init; }

    public required double? TStatistic { get; init; }

    public required double? PValue { get; init; }

    public required IReadOnlyList<BurnInCheck> Checks { get; init; }

    public bool Passed => Checks.All(c => c.Passed);

    /// <summary>
    /// The burn-in of the model version that served last: the days of <paramref name="journal"/> from the first one it
    /// produced on. Days without a version inside that span (governance had the family disabled) belong to it; those
    /// before its first day (an earlier incident) do not.
    /// </summary>
    public static IReadOnlyList<LiveScoreDay> Window(IReadOnlyList<LiveScoreDay> journal)
    {
        var version = journal.LastOrDefault(d => d.ModelVersion is not null)?.ModelVersion;
        var first = journal.Count;
        while (first > 0 && (journal[first - 1].ModelVersion is null || journal[first - 1].ModelVersion == version))
        {
            first--;
        }

        while (first < journal.Count && journal[first].ModelVersion != version)
        {
            first++;
        }

        return journal.Skip(first).ToArray();
    }

    /// <param name="family">The family instance.</param>
    /// <param name="journal">Its live score journal, oldest first.</param>
    /// <param name="expectations">The backtests recorded in its models folder, oldest first; only those of the bytes that served count.</param>
    /// <param name="expectationsPath">Where they were read (named by the reason when none fits).</param>
    /// <param name="governance">The governance decision as persisted now, for a family with a breaker.</param>
    /// <param name="options">The limits.</param>
    public static BurnInVerdict Evaluate(string family, IReadOnlyList<LiveScoreDay> journal, IReadOnlyList<BacktestExpectation> expectations, string expectationsPath,
        GovernanceStatus? governance, BurnInOptions options)
    {
        var days = Window(journal);
        var version = days.LastOrDefault(d => d.ModelVersion is not null)?.ModelVersion;
        var scored = days.Where(d => d.Scored).ToArray();
        var ics = scored.Select(d => d.RankIc).OfType<double>().ToArray();
        var start = days.Count > 0 ? days[0].SignalDate : (DateOnly?)null;
        var horizon = days.Where(d => d.HorizonSignalDate >= start).Select(d => d.HorizonRankIc).OfType<double>().ToArray();
        var content = days.LastOrDefault(d => d.ModelVersion == version && d.ModelContent is not null)?.ModelContent;
        var backtest = content is null ? null : expectations.LastOrDefault(e => e.ModelContent == content);
        var served = version ?? "no model version";
        var expectationCheck = ExpectationCheck(served, content, backtest, expectationsPath);
        var expectation = expectationCheck.Passed ? backtest : null;
        var (t, p) = Test(ics, expectation?.RankIcMean);
        var checks = new List<BurnInCheck>
        {
            new("days", scored.Length >= options.MinDays, F($"{scored.Length} day(s) scored while {served} served{Span(days)} (needs >= {options.MinDays})")),
            Governance(days, governance),
            ModelErrors(days, journal, options.MaxModelErrors),
            expectationCheck,
            RankIc(ics, expectation, t, p, options.Alpha),
        };

        return new BurnInVerdict
        {
            Family = family,
            ModelVersion = version,
            ModelContent = content,
            Days = days,
            Backtest = backtest,
            Expectation = expectation,
            ScoredDays = scored.Length,
            LiveRankIcMean = ics.Length > 0 ? Stats.Mean(ics) : null,
            LiveRankIcStd = ics.Length > 1 ? Stats.StdDev(ics) : null,
            LiveHorizonRankIcMean = horizon.Length > 0 ? Stats.Mean(horizon) : null,
            TStatistic = t,
            PValue = p,
            Checks = checks,
        };
    }

    /// <summary>
    /// Whether <paramref name="backtest"/> (the newest of the bytes that served) may be the expectation: it PASSED, over a
    /// window that starts after the models' training data ended. Each FAIL names the backtest and what to do.
    /// </summary>
    private static BurnInCheck ExpectationCheck(string served, string? content, BacktestExpectation? backtest, string path)
    {
        const string Run = "run `alphahost backtest --model-dir <the instance's models folder>` over a window after the training data, then run burn-in-report again";
        if (content is null)
        {
            return new("expectation", false, $"the live scores do not say which model bytes {served} is (days written before they were recorded): no backtest can be matched; let it serve a day more");
        }

        if (backtest is null)
        {
            return new("expectation", false, $"no backtest of {served} ({BacktestExpectation.Short(content)}) in {path}: {Run}");
        }

        var used = F($"backtest {backtest.At.UtcDateTime:yyyy-MM-dd} over {backtest.Window} of the same models ({BacktestExpectation.Short(content)}), verdict {backtest.Verdict}, net Sharpe {backtest.NetSharpe:0.00}; report {backtest.Report} (line of {path})");
        if (backtest.Verdict != "PASS")
        {
            return new("expectation", false, $"{used}: the models failed their backtest and are not promoted; retrain, backtest again and burn the new models in");
        }

        if (backtest.TrainingEnd is not { } trainingEnd)
        {
            return new("expectation", false, $"{used}: it does not say when the models' training data ended (a line of an older backtest); {Run}");
        }

        if (backtest.Window.Start <= trainingEnd)
        {
            return new("expectation", false, F($"{used}: its window starts on or before the models' training end {trainingEnd:yyyy-MM-dd} (model_meta.json), so it is in-sample and proves nothing; backtest a window after it"));
        }

        return new("expectation", true, F($"{used}: rank IC {backtest.RankIcMean:0.0000} (std {backtest.RankIcStd:0.0000}, {backtest.Days} days), after the training end {trainingEnd:yyyy-MM-dd}"));
    }

    /// <summary>The t statistic of <paramref name="ics"/> against <paramref name="mean"/> and the probability of one at least as low if the live mean were the backtest's.</summary>
    private static (double? T, double? P) Test(double[] ics, double? mean)
    {
        if (mean is not { } mu || !double.IsFinite(mu) || ics.Length < 2)
        {
            return (null, null);
        }

        var std = Stats.StdDev(ics);
        var difference = Stats.Mean(ics) - mu;
        if (std == 0)
        {
            return (difference < 0 ? double.NegativeInfinity : double.PositiveInfinity, difference < 0 ? 0 : 1);
        }

        var t = difference / (std / Math.Sqrt(ics.Length));
        return (t, StudentT.CDF(0, 1, ics.Length - 1, t));
    }

    private static BurnInCheck RankIc(double[] ics, BacktestExpectation? expectation, double? t, double? p, double alpha)
    {
        if (expectation is null)
        {
            return new("rank_ic", false, "not tested: no backtest that qualifies as the expectation to test against");
        }

        if (t is null || p is null)
        {
            return new("rank_ic", false, F($"not tested: {ics.Length} day(s) with a rank IC, the test needs >= 2 and a finite backtest mean"));
        }

        var passed = p >= alpha;
        return new("rank_ic", passed, F($"live mean {Stats.Mean(ics):0.0000} over {ics.Length} days vs backtest {expectation.RankIcMean:0.0000}: t={t:0.00}, p={p:0.0000} ({TestName}, alpha {alpha}); ") +
            (passed ? "not significantly below" : "significantly below the backtest"));
    }

    private static BurnInCheck Governance(IReadOnlyList<LiveScoreDay> days, GovernanceStatus? governance)
    {
        var tripped = days.Where(d => d.GovernanceTripped).Select(d => d.SignalDate).ToArray();
        if (tripped.Length > 0)
        {
            return new("governance", false, F($"disabled by governance on {tripped.Length} day(s) of the burn-in, first {tripped[0]:yyyy-MM-dd}"));
        }

        if (governance is { Disabled: true })
        {
            return new("governance", false, F($"{governance.Model} disabled by governance now, since {governance.DisabledAt:O}: {governance.Reason}"));
        }

        // A trip reset by an operator between two cycles shows only in the state file: its reset is after the burn-in's first day.
        if (governance?.ResetAt is { } reset && days.Count > 0 && reset >= days[0].At)
        {
            return new("governance", false, F($"{governance.Model} was reset by an operator at {reset:O} during the burn-in ({governance.ResetReason}): it had tripped"));
        }

        return new("governance", true, F($"no governance trip in {days.Count} day(s)"));
    }

    private static BurnInCheck ModelErrors(IReadOnlyList<LiveScoreDay> days, IReadOnlyList<LiveScoreDay> journal, long max)
    {
        // The count is cumulative as the family reports it; a drop is a restart that began it anew.
        var previous = journal.Count > days.Count ? journal[journal.Count - days.Count - 1].ModelErrors : days.FirstOrDefault()?.ModelErrors ?? 0;
        long errors = 0;
        foreach (var day in days)
        {
            errors += Math.Max(0, day.ModelErrors - previous);
            previous = day.ModelErrors;
        }

        return new("model_errors", errors <= max, F($"{errors} model error(s) during the burn-in (allowed {max})"));
    }

    private static string Span(IReadOnlyList<LiveScoreDay> days) =>
        days.Count == 0 ? "" : F($" ({days[0].SignalDate:yyyy-MM-dd}..{days[^1].SignalDate:yyyy-MM-dd})");

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
