using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Market;
using AlphaHost.Host.Scoring;
using AlphaHost.Plugins.MlAlpha.Governance;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Scoring;

/// <summary>
/// Burn-in verdicts from a real backtest and real live scoring of the same candidate on one sample market: a family that
/// knows the next day's return through noise (so its rank IC is known to be positive), backtested on an early window and
/// scored live on a later one, and the same family broken (signals negated, governance trip, too few days, errors), or
/// its backtest not one to trust (failed, in-sample, of other bytes).
/// </summary>
public sealed class BurnInVerdictTests : IDisposable
{
    private const string Family = "ml_alpha";
    private const string Version = "set-0123456789ab";
    private const string Content = "sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string Expectations = "models/ml_alpha/backtests.jsonl";
    private readonly TempDir _dir = new();
    private readonly SampleMarket _feed = new(5, 80);
    private readonly List<MarketDay> _market = [];
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 21, 0, 0, TimeSpan.Zero));

    public BurnInVerdictTests()
    {
        for (var i = 0; i < 240; i++)
        {
            _feed.TryNextDay(out var day);
            _market.Add(day);
        }
    }

    [Fact]
    public async Task GoodCandidate_LiveRankIcAsTheBacktestExpects_PassesEveryCheck()
    {
        var expectation = await BacktestAsync(sign: 1);
        var journal = Live(sign: 1, days: 40);

        var verdict = BurnInVerdict.Evaluate(Family, journal, [expectation], Expectations, null, new BurnInOptions());

        Assert.True(verdict.Passed, string.Join("\n", verdict.Checks));
        Assert.Equal(["days", "governance", "model_errors", "expectation", "rank_ic"], verdict.Checks.Select(c => c.Name));
        Assert.Equal(Version, verdict.ModelVersion);
        Assert.Equal(39, verdict.ScoredDays);
        Assert.StartsWith($"39 day(s) scored while {Version} served", Check(verdict, "days").Reason);
        Assert.Contains("not significantly below", Check(verdict, "rank_ic").Reason);
        Assert.Contains(BurnInVerdict.TestName, Check(verdict, "rank_ic").Reason);
        Assert.True(expectation.RankIcMean > 0.1, $"the candidate's backtest rank IC is {expectation.RankIcMean}");
        Assert.Equal(("PASS", Content), (expectation.Verdict, expectation.ModelContent));
        Assert.Same(expectation, verdict.Expectation);
        Assert.Equal(
            $"backtest {expectation.At.UtcDateTime:yyyy-MM-dd} over {expectation.Window} of the same models (sha256-0123456789ab), verdict PASS, net Sharpe {expectation.NetSharpe:0.00}; " +
            $"report {expectation.Report} (line of {Expectations}): rank IC {expectation.RankIcMean:0.0000} (std {expectation.RankIcStd:0.0000}, {expectation.Days} days), after the training end {_market[10].Date:yyyy-MM-dd}",
            Check(verdict, "expectation").Reason);
    }

    [Fact]
    public async Task FailedBacktestOfTheServedModels_FailsTheExpectationCheck_AndTheRankIcIsNotTestedAgainstIt()
    {
        var failed = await BacktestAsync(sign: -1);
        var journal = Live(sign: 1, days: 40);

        var verdict = BurnInVerdict.Evaluate(Family, journal, [failed], Expectations, null, new BurnInOptions());

        Assert.Equal("FAIL", failed.Verdict);
        Assert.False(verdict.Passed);
        Assert.Equal(["expectation", "rank_ic"], verdict.Checks.Where(c => !c.Passed).Select(c => c.Name));
        Assert.Contains($"over {failed.Window} of the same models (sha256-0123456789ab), verdict FAIL", Check(verdict, "expectation").Reason);
        Assert.EndsWith("the models failed their backtest and are not promoted; retrain, backtest again and burn the new models in", Check(verdict, "expectation").Reason);
        Assert.Same(failed, verdict.Backtest);
        Assert.Null(verdict.Expectation);
    }

    [Fact]
    public async Task NewerFailedBacktestOfTheSameModels_OutweighsAnOlderPass()
    {
        var passed = await BacktestAsync(sign: 1);
        var failed = await BacktestAsync(sign: -1);

        var verdict = BurnInVerdict.Evaluate(Family, Live(sign: 1, days: 40), [passed, failed], Expectations, null, new BurnInOptions());

        Assert.Equal(["expectation", "rank_ic"], verdict.Checks.Where(c => !c.Passed).Select(c => c.Name));
        Assert.Same(failed, verdict.Backtest);
    }

    [Fact]
    public async Task BacktestWindowOverlappingTheTrainingData_FailsTheExpectationCheck()
    {
        var inSample = await BacktestAsync(sign: 1, trainedUntil: 60);

        var verdict = BurnInVerdict.Evaluate(Family, Live(sign: 1, days: 40), [inSample], Expectations, null, new BurnInOptions());

        Assert.Equal("PASS", inSample.Verdict);
        Assert.Equal(["expectation", "rank_ic"], verdict.Checks.Where(c => !c.Passed).Select(c => c.Name));
        Assert.EndsWith($"its window starts on or before the models' training end {_market[60].Date:yyyy-MM-dd} (model_meta.json), so it is in-sample and proves nothing; backtest a window after it",
            Check(verdict, "expectation").Reason);
    }

    [Fact]
    public async Task BacktestLineWithoutTheTrainingEnd_FailsTheExpectationCheck()
    {
        var older = await BacktestAsync(sign: 1) with { TrainingEnd = null };

        var verdict = BurnInVerdict.Evaluate(Family, Live(sign: 1, days: 40), [older], Expectations, null, new BurnInOptions());

        Assert.Equal(["expectation", "rank_ic"], verdict.Checks.Where(c => !c.Passed).Select(c => c.Name));
        Assert.Contains("it does not say when the models' training data ended", Check(verdict, "expectation").Reason);
    }

    [Fact]
    public async Task BacktestOfOtherModelBytesUnderTheSameVersion_FailsTheExpectationCheck()
    {
        var other = await BacktestAsync(sign: 1) with { ModelContent = "sha256-ffffffffffff" + Content[19..] };

        var verdict = BurnInVerdict.Evaluate(Family, Live(sign: 1, days: 40), [other], Expectations, null, new BurnInOptions());

        Assert.Equal(Version, other.ModelVersion);
        Assert.Equal(["expectation", "rank_ic"], verdict.Checks.Where(c => !c.Passed).Select(c => c.Name));
        Assert.StartsWith($"no backtest of {Version} (sha256-0123456789ab) in {Expectations}: run `alphahost backtest", Check(verdict, "expectation").Reason);
    }

    [Fact]
    public async Task PromotedCopy_ServedUnderAnotherVersionInTheLiveModelsFolder_KeepsTheCandidatesBacktest()
    {
        var candidate = _dir.File("models/ml_candidate");
        var live = _dir.File("models/ml_alpha");
        var (run, report) = await ReplayAsync(new DatePeriod(_market[20].Date, _market[140].Date), candidate);
        BacktestExpectation.Record(report, run, _dir.File("reports/backtest"), Trained(10), TextWriter.Null);
        var served = Live(sign: 1, days: 40).Select(d => d with { ModelVersion = "set-promoted0000" }).ToArray();

        var carried = BacktestExpectation.CarryTo(candidate, live);
        var again = BacktestExpectation.CarryTo(candidate, live);
        var journal = BacktestExpectation.Journal(live);
        var verdict = BurnInVerdict.Evaluate(Family, served, journal.Read(), journal.Path, null, new BurnInOptions());

        Assert.Equal((1, 0), (carried, again));
        Assert.True(verdict.Passed, string.Join("\n", verdict.Checks));
        Assert.Equal(candidate, verdict.Expectation!.ModelDir);
    }

    [Fact]
    public async Task GovernanceResetWhenItHadNotTripped_IsNotReadAsATrip()
    {
        var expectation = await BacktestAsync(sign: 1);
        var journal = Live(sign: 1, days: 40);
        var breaker = new GovernanceBreaker(_dir.File("state/ml_alpha/governance.json"), "ml_v1", "hash", GovernanceOptions.Default, _clock);

        var cleared = breaker.Reset("checking the reset drill");
        var state = new GovernanceBreaker(_dir.File("state/ml_alpha/governance.json"), "ml_v1", "hash", GovernanceOptions.Default, _clock).State;
        var governance = new GovernanceStatus(state.Model, state.Disabled, state.Reason, state.DisabledAt, state.ModelErrors, state.ResetAt, state.ResetReason);
        var verdict = BurnInVerdict.Evaluate(Family, journal, [expectation], Expectations, governance, new BurnInOptions());

        Assert.False(cleared);
        Assert.True(verdict.Passed, string.Join("\n", verdict.Checks));
        Assert.Equal("no governance trip in 39 day(s)", Check(verdict, "governance").Reason);
    }

    [Fact]
    public async Task NegatedSignals_LiveRankIcSignificantlyBelowTheBacktest_FailsTheRankIcCheckOnly()
    {
        var expectation = await BacktestAsync(sign: 1);
        var journal = Live(sign: -1, days: 40);

        var verdict = BurnInVerdict.Evaluate(Family, journal, [expectation], Expectations, null, new BurnInOptions());

        Assert.False(verdict.Passed);
        Assert.Equal(["rank_ic"], verdict.Checks.Where(c => !c.Passed).Select(c => c.Name));
        Assert.Contains("significantly below the backtest", Check(verdict, "rank_ic").Reason);
        Assert.True(verdict.PValue < 0.05 && verdict.TStatistic < 0);
    }

    [Fact]
    public async Task GovernanceTripDuringTheBurnIn_FailsTheGovernanceCheck()
    {
        var expectation = await BacktestAsync(sign: 1);
        var journal = Live(sign: 1, days: 40).Select((d, i) => i == 30 ? d with { GovernanceTripped = true } : d).ToArray();

        var verdict = BurnInVerdict.Evaluate(Family, journal, [expectation], Expectations, null, new BurnInOptions());

        Assert.Equal(["governance"], verdict.Checks.Where(c => !c.Passed).Select(c => c.Name));
        Assert.Equal($"disabled by governance on 1 day(s) of the burn-in, first {journal[30].SignalDate:yyyy-MM-dd}", Check(verdict, "governance").Reason);
    }

    [Fact]
    public async Task GovernanceResetByAnOperatorDuringTheBurnIn_FailsTheGovernanceCheck()
    {
        var expectation = await BacktestAsync(sign: 1);
        var journal = Live(sign: 1, days: 40);
        var reset = new GovernanceStatus("ml_v1", false, null, null, 3, journal[10].At, "false alarm");

        var verdict = BurnInVerdict.Evaluate(Family, journal, [expectation], Expectations, reset, new BurnInOptions());

        Assert.Equal(["governance"], verdict.Checks.Where(c => !c.Passed).Select(c => c.Name));
        Assert.StartsWith("ml_v1 was reset by an operator at ", Check(verdict, "governance").Reason);
    }

    [Fact]
    public async Task FewerScoredDaysThanAsked_FailsTheDaysCheck()
    {
        var expectation = await BacktestAsync(sign: 1);
        var journal = Live(sign: 1, days: 15);

        var verdict = BurnInVerdict.Evaluate(Family, journal, [expectation], Expectations, null, new BurnInOptions());

        Assert.Contains(verdict.Checks, c => c is { Name: "days", Passed: false });
        Assert.StartsWith($"14 day(s) scored while {Version} served", Check(verdict, "days").Reason);
        Assert.EndsWith("(needs >= 20)", Check(verdict, "days").Reason);
    }

    [Fact]
    public async Task ModelErrorsDuringTheBurnIn_AboveTheLimit_FailTheModelErrorsCheck()
    {
        var expectation = await BacktestAsync(sign: 1);
        var journal = Live(sign: 1, days: 40).Select((d, i) => i >= 35 ? d with { ModelErrors = 4 } : d).ToArray();

        var strict = BurnInVerdict.Evaluate(Family, journal, [expectation], Expectations, null, new BurnInOptions());
        var lenient = BurnInVerdict.Evaluate(Family, journal, [expectation], Expectations, null, new BurnInOptions { MaxModelErrors = 4 });

        Assert.Equal(["model_errors"], strict.Checks.Where(c => !c.Passed).Select(c => c.Name));
        Assert.Equal("4 model error(s) during the burn-in (allowed 0)", Check(strict, "model_errors").Reason);
        Assert.True(lenient.Passed);
    }

    [Fact]
    public async Task NoBacktestOfTheServingVersion_FailsAndSaysToRunBacktest()
    {
        var expectation = await BacktestAsync(sign: 1) with { ModelVersion = "set-other", ModelContent = "sha256-other" };
        var journal = Live(sign: 1, days: 40);

        var verdict = BurnInVerdict.Evaluate(Family, journal, [expectation], Expectations, null, new BurnInOptions());

        Assert.Equal(["expectation", "rank_ic"], verdict.Checks.Where(c => !c.Passed).Select(c => c.Name));
        Assert.StartsWith($"no backtest of {Version} (sha256-0123456789ab) in {Expectations}: run `alphahost backtest", Check(verdict, "expectation").Reason);
    }

    [Fact]
    public async Task DaysOfAnEarlierModelVersionAndAnIncidentResetBeforeThisOneServed_AreNotPartOfTheBurnIn()
    {
        var expectation = await BacktestAsync(sign: 1);
        var earlier = Live(sign: -1, days: 30).Select(d => d with { ModelVersion = "set-earlier", ModelErrors = 9 }).ToArray();
        // The earlier version tripped governance (days without a version) and an operator reset it before the new one served.
        var incident = earlier.TakeLast(5).Select(d => d with { ModelVersion = null, GovernanceTripped = true, Symbols = 0, RankIc = null });
        var current = Live(sign: 1, days: 40, firstDay: 190);
        var journal = earlier.Concat(incident).Concat(current).ToArray();
        var reset = new GovernanceStatus("ml_v1", false, null, null, 9, current[0].At.AddHours(-1), "retrained");

        var verdict = BurnInVerdict.Evaluate(Family, journal, [expectation], Expectations, reset, new BurnInOptions());

        Assert.True(verdict.Passed, string.Join("\n", verdict.Checks));
        Assert.Equal(39, verdict.ScoredDays);
    }

    [Fact]
    public async Task Backtest_Finished_RecordsItsExpectationForTheReplayedModelVersionInTheModelsFolder()
    {
        var expectation = await BacktestAsync(sign: 1);
        var window = new DatePeriod(_market[20].Date, _market[140].Date);
        var (run, report) = await ReplayAsync(window, _dir.File("models/ml_alpha"));
        var output = new StringWriter();

        BacktestExpectation.Record(report, run, _dir.File("reports/backtest"), Trained(10), output);

        var recorded = Assert.Single(BacktestExpectation.Journal(_dir.File("models/ml_alpha")).Read());
        Assert.Equal((Version, Content, _market[10].Date), (recorded.ModelVersion, recorded.ModelContent, recorded.TrainingEnd));
        Assert.Equal("PASS", recorded.Verdict);
        Assert.Equal((window, run.RankIc.Count, _dir.File("reports/backtest")), (recorded.Window, recorded.Days, recorded.Report));
        Assert.Equal((expectation.RankIcMean, expectation.RankIcStd, expectation.NetSharpe), (recorded.RankIcMean, recorded.RankIcStd, recorded.NetSharpe));
        Assert.Contains($"expectation for {Version} (sha256-0123456789ab): backtest verdict PASS, rank IC ", output.ToString());
    }

    [Fact]
    public async Task Backtest_ModelsFolderNotWritable_SaysTheExpectationWasNotRecorded()
    {
        var notAFolder = _dir.Write("models-file", "not a folder");
        var (run, report) = await ReplayAsync(new DatePeriod(_market[20].Date, _market[40].Date), notAFolder);
        var output = new StringWriter();

        BacktestExpectation.Record(report, run, _dir.File("reports/backtest"), Trained(10), output);

        Assert.StartsWith($"warning: {Path.Combine(notAFolder, BacktestExpectation.FileName)}: the expectation could not be recorded", output.ToString());
    }

    public void Dispose() => _dir.Dispose();

    private static BurnInCheck Check(BurnInVerdict verdict, string name) => verdict.Checks.Single(c => c.Name == name);

    /// <summary>The candidate's backtest over days 20..140, of models whose training data ended on day <paramref name="trainedUntil"/>.</summary>
    private async Task<BacktestExpectation> BacktestAsync(int sign, int trainedUntil = 10)
    {
        var (run, report) = await ReplayAsync(new DatePeriod(_market[20].Date, _market[140].Date), _dir.File("models/ml_alpha"), sign);
        return BacktestExpectation.From(report, run, _dir.File("reports/backtest"), Trained(trainedUntil));
    }

    /// <summary>The validation of a models folder whose one model learned from days 0..<paramref name="lastDay"/>.</summary>
    private ModelCheck[] Trained(int lastDay) => [new("UNIVERSE_v1_20261201_000000", ModelCheck.Ok, "", new DatePeriod(_market[0].Date, _market[lastDay].Date))];

    /// <summary>The backtest engine's replay of the candidate over <paramref name="window"/> of the sample market, and its report.</summary>
    private async Task<(BacktestRun Run, BacktestReport Report)> ReplayAsync(DatePeriod window, string modelDir, int sign = 1)
    {
        var state = new MarketState(_feed.Universe, _feed.Benchmark, maxHistory: 1_000_000);
        foreach (var day in _market)
        {
            state.Append(day);
        }

        var history = state.History(_feed.Description);
        var options = new BacktestOptions();
        var oracle = new Oracle(_market, sign);
        var config = Handles.Config($"families:\n  {Family}:\n    enabled: true\n    weight: 1\n");
        var replay = await new BacktestEngine([new ReplayFamily(Handles.For(oracle, Family), oracle)], config, options).RunAsync(history, window, null, CancellationToken.None);
        var run = replay.Families[0].Run;
        return (run, BacktestReport.From(run, options, Family, modelDir, history, window, [], [], TimeProvider.System.GetUtcNow()));
    }

    /// <summary>The candidate scored live from <paramref name="firstDay"/> on, for <paramref name="days"/> trading days; its journal.</summary>
    private IReadOnlyList<LiveScoreDay> Live(int sign, int days, int firstDay = 150)
    {
        var state = _dir.File($"state-{Guid.NewGuid():N}");
        var oracle = new Oracle(_market, sign);
        var market = new MarketState(_feed.Universe, _feed.Benchmark);
        using var scorer = new LiveScorer(state, _clock);
        for (var i = 0; i < firstDay + days; i++)
        {
            market.Append(_market[i]);
            if (i < firstDay)
            {
                continue;
            }

            var snapshot = market.Snapshot(i);
            var signals = oracle.ComputeAsync(snapshot, CancellationToken.None).AsTask().Result.BySymbol;
            var outcome = new FamilyOutcome(Handles.For(oracle, Family), OutcomeKind.Ok, signals, 1.0, oracle.Health);
            scorer.Observe(snapshot, [outcome], SignalCombiner.Combine(snapshot, [outcome]));
            _clock.Advance(TimeSpan.FromDays(1));
        }

        return LiveScoreJournal.Open(state, Family).Read();
    }

    /// <summary>A model that knows the next close through noise: its daily rank IC is clearly positive (negated: negative).</summary>
    private sealed class Oracle(List<MarketDay> market, int sign) : IAlphaFamily
    {
        public FamilyHealth Health { get; } = new(FamilyState.Ok) { ModelVersion = Version, ModelContent = Content };

        public ValueTask InitializeAsync(FamilyContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public void Configure(FamilySettings settings)
        {
        }

        public ValueTask<FamilySignals> ComputeAsync(MarketSnapshot snapshot, CancellationToken cancellationToken)
        {
            var today = market.FindIndex(d => d.Date == snapshot.Date);
            var signals = new Dictionary<string, double>(StringComparer.Ordinal);
            if (today >= 0 && today + 1 < market.Count)
            {
                var next = market[today + 1].Bars;
                var noise = new Random(snapshot.Date.DayNumber);
                foreach (var symbol in snapshot.Symbols.Select(s => s.Symbol).Order(StringComparer.Ordinal))
                {
                    if (next.TryGetValue(symbol, out var bar) && market[today].Bars.TryGetValue(symbol, out var close))
                    {
                        var realised = bar.Close / close.Close - 1;
                        signals[symbol] = sign * Math.Tanh(10 * (realised + (0.04 * Normal(noise))));
                    }
                }
            }

            return ValueTask.FromResult(new FamilySignals(signals));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
