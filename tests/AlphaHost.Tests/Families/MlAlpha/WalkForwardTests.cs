using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Training;
using AlphaHost.Plugins.MlAlpha.Universe;

namespace AlphaHost.Tests.Families.MlAlpha;

/// <summary><c>alphahost evaluate</c>'s walk-forward: windows, embargo, scopes and the portfolio figures.</summary>
public sealed class WalkForwardTests
{
    [Fact]
    public void Run_BothScopes_EachTestYearIsScoredByModelsTrainedBeforeItsEmbargo()
    {
        var history = TrainedModels.History(900);
        var dates = history.Benchmark!.Bars.ToArray().Select(b => b.Date).ToList();
        var years = dates.Select(d => d.Year).Distinct().Skip(1).ToArray();

        var report = new WalkForward(TrainedModels.Contract, TrainedModels.FastTraining with { MinTrainRows = 100 }, new(0, 5), TimeProvider.System)
            .Run(new EvaluationRequest(history, years, ["symbol", "universe"], 5), null, CancellationToken.None);

        Assert.Equal(2, report.ConfigurationsTried);
        Assert.Equal(years.Length * 2, report.Windows.Count);
        foreach (var window in report.Windows)
        {
            var firstTestDay = dates.First(d => d.Year == int.Parse(window.Window, System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(dates.IndexOf(window.TrainEnd) + 5 < dates.IndexOf(firstTestDay), $"{window.Scope} {window.Window}: trained to {window.TrainEnd}, tests from {firstTestDay}");
            Assert.True(window.Days > 0 && window.TrainRows > 0 && double.IsFinite(window.RankIc) && double.IsFinite(window.NetSharpe), $"{window}");
            Assert.True(window.NetSharpe <= window.GrossSharpe);
        }

        Assert.Equal(1, report.Windows.First(w => w.Scope == "universe").Models);
        Assert.Equal(["symbol", "universe"], report.Overall.Select(o => o.Scope));
        Assert.Equal(report.Windows.Where(w => w.Scope == "universe").Sum(w => w.Days), report.Overall.Single(o => o.Scope == "universe").Days);
    }

    [Fact]
    public void Run_LetsTheRequestsBarsGoOnceTheLastPanelIsBuilt_SoTheyAreCollectedDuringTheFits()
    {
        var (request, bars) = RequestWhoseBarsOnlyItHolds(["symbol", "universe"]);
        var aliveAfterEachWindow = new List<(string Line, int Alive)>();
        var progress = new Synchronous(line =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            aliveAfterEachWindow.Add((line, bars.Count(b => b.IsAlive)));
        });

        var report = new WalkForward(TrainedModels.Contract, TrainedModels.FastTraining with { MinTrainRows = 100 }, new(0, 5), TimeProvider.System)
            .Run(request, progress, CancellationToken.None);

        Assert.Equal(2, report.Overall.Count);
        Assert.True(request.HistoryReleased);
        Assert.Throws<InvalidOperationException>(() => request.History);
        // The first scope still needs the bars for the second's features; the second's windows run without them.
        var universe = aliveAfterEachWindow.Where(w => w.Line.StartsWith("universe ", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(universe);
        Assert.All(universe, w => Assert.Equal(0, w.Alive));
        Assert.Contains(aliveAfterEachWindow, w => w.Line.StartsWith("symbol ", StringComparison.Ordinal) && w.Alive == bars.Length);
        GC.KeepAlive(request);
    }

    [Fact]
    public void Weights_FourSignals_AreCentredRanksAtGrossExposureOne()
    {
        var weights = WalkForward.Weights([0.3, -0.1, 0.9, 0.0]);

        // ranks 2, 0, 3, 1 around 1.5: 0.5, -1.5, 1.5, -0.5 over 4.
        Assert.Equal([0.125, -0.375, 0.375, -0.125], weights);
    }

    [Fact]
    public void Sharpe_DailyReturns_IsMeanOverSampleStdAnnualisedBy252Days()
    {
        double[] daily = [0.01, -0.01, 0.02, 0.0];

        // mean 0.005, sample std sqrt(0.00025 / 3 * ...) computed by hand: deviations 0.005, -0.015, 0.015, -0.005.
        var std = Math.Sqrt((0.000025 + 0.000225 + 0.000225 + 0.000025) / 3);
        Assert.Equal(0.005 / std * Math.Sqrt(252), WalkForward.Series.Sharpe(daily), 10);
    }

    private static (EvaluationRequest Request, WeakReference[] Bars) RequestWhoseBarsOnlyItHolds(string[] scopes)
    {
        var sample = TrainedModels.History(900);
        var symbols = sample.Symbols.Select(s => s with { Bars = s.Bars.ToArray() }).ToArray();
        var history = sample with { Symbols = symbols, Benchmark = sample.Benchmark! with { Bars = sample.Benchmark!.Bars.ToArray() } };
        var bars = history.Symbols.Append(history.Benchmark!)
            .Select(s => System.Runtime.InteropServices.MemoryMarshal.TryGetArray(s.Bars, out var segment) ? new WeakReference(segment.Array) : throw new InvalidOperationException("bars not array-backed"))
            .ToArray();
        var years = history.Benchmark!.Bars.ToArray().Select(b => b.Date.Year).Distinct().Skip(1).ToArray();
        return (new EvaluationRequest(history, years, scopes, 5), bars);
    }

    private sealed class Synchronous(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
