using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Drift;

namespace AlphaHost.Tests.Families.MlAlpha;

/// <summary>
/// The live rank IC monitor: <see cref="LiveIcMeasure"/> scores predictions once their horizon has passed, and
/// <see cref="DriftJudge"/> sets the live IC against the model's backtest IC with a Newey-West standard error.
/// </summary>
public sealed class LiveIcTests
{
    private const int Horizon = 5;
    private const double Backtest = 0.05;

    /// <summary>Daily rank ICs of 5-day returns: about 0.1 from day to day, each sharing 4 of its 5 days with the next.</summary>
    private const double DailyNoise = 0.1;

    [Fact]
    public void Judge_LiveIcMatchingTheBacktestWithinNoise_NeverDegrades()
    {
        var judge = new DriftJudge(["x"], DriftOptions.Default);
        var ics = new DailyIcs(mean: Backtest, seed: 3);

        var reasons = Enumerable.Range(0, 1000).Select(_ => judge.Judge(Cycle(ics.Next(), "model"))).Where(r => r is not null).ToList();

        Assert.Empty(reasons);
        Assert.Equal(DriftOptions.Default.IcWindow, judge.Ic!.Days);
        Assert.InRange(judge.Ic.Mean, Backtest - (3 * judge.Ic.StandardError), Backtest + (3 * judge.Ic.StandardError));
    }

    [Fact]
    public void Judge_LiveIcOfAnInvertedModel_DegradedNamingLiveIcBelowBacktestOnceEnoughDaysAreScored()
    {
        var judge = new DriftJudge(["x"], DriftOptions.Default);
        var ics = new DailyIcs(mean: -Backtest, seed: 3);

        var reasons = Enumerable.Range(0, 250).Select(_ => judge.Judge(Cycle(ics.Next(), "model"))).ToList();
        var first = reasons.FindIndex(r => r is not null);

        Assert.InRange(first, DriftOptions.Default.MinIcDays, 249);
        Assert.Matches(@"^drift: live_ic_below_backtest: live rank IC -0\.0\d\d over \d+ days \(Newey-West se 0\.0\d\d\) vs the model's backtest 0\.050: z -\d+\.\d, limit -3\.5$", reasons[first]);
    }

    [Fact]
    public void Judge_LiveIcFallenToZero_NotDegradedWhileTheWindowCannotTellItFromTheBacktest()
    {
        // An IC of 0 against 0.05 is about 2 standard errors below it after 60 days (0.1 a day, overlapping by 4 of 5 days): noise.
        var judge = new DriftJudge(["x"], DriftOptions.Default);
        var ics = new DailyIcs(mean: 0, seed: 3);

        var reasons = Enumerable.Range(0, DriftOptions.Default.MinIcDays + 5).Select(_ => judge.Judge(Cycle(ics.Next(), "model"))).ToList();

        Assert.All(reasons, Assert.Null);
    }

    [Fact]
    public void Judge_ServingModelChanges_LiveIcWindowStartsAgain()
    {
        var judge = new DriftJudge(["x"], DriftOptions.Default);
        var inverted = new DailyIcs(mean: -Backtest, seed: 3);
        var healthy = new DailyIcs(mean: Backtest, seed: 4);
        var before = Enumerable.Range(0, 250).Select(_ => judge.Judge(Cycle(inverted.Next(), "old"))).ToList();

        var after = Enumerable.Range(0, 10).Select(_ => judge.Judge(Cycle(healthy.Next(), "new"))).ToList();

        Assert.Contains(before, r => r is not null && r.Contains("live_ic_below_backtest", StringComparison.Ordinal));
        Assert.All(after.Skip(DriftOptions.Default.Of), Assert.Null);
        Assert.Equal(10, judge.Ic!.Days);
    }

    [Fact]
    public void Observe_PredictionsOfTheReturnsThatFollowed_ScoreOneOnceTheHorizonHasPassed()
    {
        var market = new Bars(symbols: 30, days: 40, seed: 7);
        var measure = new LiveIcMeasure();

        var scores = Enumerable.Range(20, 15).Select(day => measure.Observe(market.On(day), "model", Horizon, market.Symbols, market.ReturnsAfter(day, Horizon))).ToList();

        Assert.All(scores.Take(Horizon), s => Assert.True(double.IsNaN(s)));
        Assert.All(scores.Skip(Horizon), s => Assert.Equal(1.0, s, 12));
    }

    [Fact]
    public void Observe_PredictionsOppositeToTheReturnsThatFollowed_ScoreMinusOne()
    {
        var market = new Bars(symbols: 30, days: 40, seed: 7);
        var measure = new LiveIcMeasure();

        var scores = Enumerable.Range(20, 10).Select(day => measure.Observe(market.On(day), "model", Horizon, market.Symbols, market.ReturnsAfter(day, Horizon).Select(r => -r).ToArray())).ToList();

        Assert.All(scores.Skip(Horizon), s => Assert.Equal(-1.0, s, 12));
    }

    [Fact]
    public void Observe_ModelChanges_ScoresNothingUntilTheNewModelsOwnPredictionsMature()
    {
        var market = new Bars(symbols: 30, days: 40, seed: 7);
        var measure = new LiveIcMeasure();
        foreach (var day in Enumerable.Range(20, 10))
        {
            measure.Observe(market.On(day), "old", Horizon, market.Symbols, market.ReturnsAfter(day, Horizon));
        }

        var scores = Enumerable.Range(30, Horizon + 1).Select(day => measure.Observe(market.On(day), "new", Horizon, market.Symbols, market.ReturnsAfter(day, Horizon))).ToList();

        Assert.All(scores.Take(Horizon), s => Assert.True(double.IsNaN(s)));
        Assert.Equal(1.0, scores[Horizon], 12);
    }

    private static CycleMeasures Cycle(double liveIc, string model) => new(1)
    {
        Modelled = ServingMeasure.MinRows,
        LiveIc = liveIc,
        BacktestIc = Backtest,
        Horizon = Horizon,
        Model = model,
    };

    /// <summary>Daily rank ICs of overlapping 5-day returns: the mean plus the average of 5 consecutive daily shocks, scaled to <see cref="DailyNoise"/>.</summary>
    private sealed class DailyIcs(double mean, int seed)
    {
        private readonly Random _random = new(seed);
        private readonly Queue<double> _shocks = new();

        public double Next()
        {
            while (_shocks.Count < Horizon)
            {
                _shocks.Enqueue(Gaussian());
            }

            var ic = mean + (DailyNoise * _shocks.Sum() / Math.Sqrt(Horizon));
            _shocks.Dequeue();
            return ic;
        }

        private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
    }

    /// <summary>Random-walk closes of a few symbols and a benchmark over business days; a snapshot of day d holds the bars up to d.</summary>
    private sealed class Bars
    {
        private readonly Bar[][] _bars;
        private readonly Bar[] _benchmark;

        public Bars(int symbols, int days, int seed)
        {
            var random = new Random(seed);
            var dates = Enumerable.Range(0, days).Select(d => new DateOnly(2024, 1, 1).AddDays(d)).ToArray();
            Symbols = Enumerable.Range(0, symbols).Select(i => $"S{i:00}").ToArray();
            _bars = Symbols.Select(_ => Walk(random, dates)).ToArray();
            _benchmark = Walk(random, dates);
        }

        public string[] Symbols { get; }

        public MarketSnapshot On(int day) => new(day, _benchmark[day].Date,
            Symbols.Select((s, i) => new SymbolHistory(new SymbolInfo(s, s, "Tech"), _bars[i].AsMemory(0, day + 1))).ToList(),
            new SymbolHistory(new SymbolInfo("SPY", "SPY", "Index"), _benchmark.AsMemory(0, day + 1)));

        /// <summary>Each symbol's return from day <paramref name="day"/> to <paramref name="horizon"/> days later.</summary>
        public double[] ReturnsAfter(int day, int horizon) => _bars.Select(b => (b[Math.Min(day + horizon, b.Length - 1)].Close / b[day].Close) - 1).ToArray();

        private static Bar[] Walk(Random random, DateOnly[] dates)
        {
            var close = 100.0;
            return dates.Select(d =>
            {
                close *= 1 + (0.02 * (random.NextDouble() - 0.5));
                return new Bar(d, close, close, close, close, 1e6);
            }).ToArray();
        }
    }
}
