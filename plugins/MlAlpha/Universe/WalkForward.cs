using System.Collections.Concurrent;
using System.Globalization;
using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;
using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Plugins.MlAlpha.Signals;
using AlphaHost.Plugins.MlAlpha.Training;

namespace AlphaHost.Plugins.MlAlpha.Universe;

/// <summary>
/// Walk-forward evaluation: for each test year, models are fitted on every earlier date whose label ends before the
/// test year (the last <see cref="TrainingOptions.HorizonDays"/> dates before it are the embargo), with the family's
/// fixed training parameters, and scored on the test year. Signals follow the serving rule (tanh of prediction over
/// the in-sample spread; per-symbol models on raw rows, the pooled model on the transformed rows), smoothed and held as
/// the family's <c>signal.*</c> settings say (<see cref="SignalSmoother"/>). The portfolio is the
/// backtest's: centred signal ranks at gross exposure 1, rebalanced daily, earning the next day's return.
/// </summary>
internal sealed class WalkForward(FeatureContract contract, TrainingOptions options, SmoothingOptions smoothing, TimeProvider clock)
{
    private string _timing = "";

    public EvaluationReport Run(EvaluationRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var windows = new List<EvaluationRow>();
        var overall = new List<EvaluationRow>();
        for (var s = 0; s < request.Scopes.Count; s++)
        {
            var scope = request.Scopes[s];
            var panel = BuildPanel(request, scope, last: s == request.Scopes.Count - 1);
            ModelTrainer.ReturnFreedMemory();
            var all = new Series();
            foreach (var year in request.TestYears)
            {
                var testFrom = Array.FindIndex(panel.Dates, d => d.Year >= year);
                var testTo = Array.FindIndex(panel.Dates, d => d.Year > year);
                testTo = testTo < 0 ? panel.Dates.Length : testTo;
                var trainTo = testFrom - options.HorizonDays;
                if (testFrom < 0 || trainTo <= 0 || testTo <= testFrom)
                {
                    progress?.Report($"{scope} {year}: no data to train on before it, or none in it; left out");
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                _timing = "";
                var started = clock.GetTimestamp();
                var (scores, trainRows, models) = scope == TrainingOptions.UniverseScope
                    ? Pooled(panel, trainTo, testFrom, testTo, cancellationToken)
                    : PerSymbol(panel, trainTo, testFrom, testTo, cancellationToken);
                var elapsed = clock.GetElapsedTime(started);

                // The window's fit (its model, ML.NET's buffers) is garbage now: returned before the next, larger fit
                // (without it evaluate's peak memory grew window by window; docs/ml-family.md, "Out of sample", has the figures).
                ModelTrainer.ReturnFreedMemory();
                Smooth(panel, testFrom, testTo, scores);
                var series = Score(panel, testFrom, testTo, scores, request.CostBasisPoints);
                all.Add(series);
                var row = series.Row(scope, year.ToString(CultureInfo.InvariantCulture), panel.Dates[trainTo - 1], trainRows, models);
                windows.Add(row);
                progress?.Report(FormattableString.Invariant(
                    $"{scope} {year}: trained to {row.TrainEnd:yyyy-MM-dd} ({row.TrainRows} rows, {row.Models} model(s)); rank IC {row.RankIc:0.0000}, ICIR {row.RankIcir:0.00}, Sharpe gross {row.GrossSharpe:0.00} net {row.NetSharpe:0.00}, turnover {row.Turnover:0.00}; fit and predict {elapsed.TotalSeconds:0.0} s{_timing}"));
            }

            var ofScope = windows.Where(w => w.Scope == scope).ToArray();
            if (ofScope.Length > 0)
            {
                overall.Add(all.Row(scope, $"{ofScope[0].Window}-{ofScope[^1].Window}", ofScope[^1].TrainEnd, ofScope.Sum(w => w.TrainRows), ofScope.Sum(w => w.Models)));
            }
        }

        return new EvaluationReport(windows, overall, request.Scopes.Count, new Dictionary<string, string>
        {
            ["horizon_days"] = options.HorizonDays.ToString(CultureInfo.InvariantCulture),
            ["embargo_days"] = options.HorizonDays.ToString(CultureInfo.InvariantCulture),
            ["trees"] = options.Trees.ToString(CultureInfo.InvariantCulture),
            ["leaves"] = options.Leaves.ToString(CultureInfo.InvariantCulture),
            ["learning_rate"] = options.LearningRate.ToString(CultureInfo.InvariantCulture),
            ["min_rows_per_leaf"] = options.MinRowsPerLeaf.ToString(CultureInfo.InvariantCulture),
            ["min_train_rows"] = options.MinTrainRows.ToString(CultureInfo.InvariantCulture),
            ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
            ["cross_sectional_transform"] = options.CrossSectionalTransform,
            ["signal.half_life_days"] = smoothing.HalfLifeDays.ToString(CultureInfo.InvariantCulture),
            ["signal.hold_days"] = smoothing.HoldDays.ToString(CultureInfo.InvariantCulture),
            ["cost_bp"] = request.CostBasisPoints.ToString(CultureInfo.InvariantCulture),
            ["portfolio"] = "centred signal ranks, gross exposure 1, rebalanced daily, next day's close-to-close return (0 without a bar)",
            ["icir"] = "mean daily rank IC / its standard deviation (not annualised)",
        });
    }

    /// <summary>
    /// A scope's panel. Features are computed for each scope (the pooled panel normalises its matrices in place); after
    /// the last scope's panel the walk-forward needs nothing more from the bars (the panel holds the features, labels and
    /// returns), so they are let go (<see cref="EvaluationRequest.ReleaseHistory"/>), with
    /// the panel's raw sample, which is for a stored model's drift reference and no use here.
    /// </summary>
    private UniversePanel BuildPanel(EvaluationRequest request, string scope, bool last)
    {
        var history = request.History;
        var matrices = new FeaturePipeline(contract).ComputeBatch(history.Symbols, history.Benchmark);
        var panel = UniversePanel.Build(history.Symbols, matrices, options.HorizonDays, scope == TrainingOptions.UniverseScope ? options.CrossSectionalTransform : null);
        _ = panel.TakeRawSample();
        if (last)
        {
            request.ReleaseHistory();
        }

        return panel;
    }

    private (double[] Scores, long TrainRows, int Models) Pooled(UniversePanel panel, int trainTo, int testFrom, int testTo, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var fit = PooledFit.Train(panel, 0, trainTo, options, cancellationToken);
        var fitted = clock.GetElapsedTime(started);
        if (fit is null || !(fit.Scale > 0))
        {
            return (Enumerable.Repeat(double.NaN, panel.First[testTo] - panel.First[testFrom]).ToArray(), fit?.TrainRows ?? 0, 0);
        }

        var (start, end) = panel.RowsOf(testFrom, testTo);
        started = clock.GetTimestamp();
        var scores = PanelScores.Predict(fit.Model, panel, start, end);
        var predicted = clock.GetElapsedTime(started);
        _timing = FormattableString.Invariant($" (pooled fit {fitted.TotalSeconds:0.0} s on {options.Parallelism} threads incl. in-sample scale; batch inference {predicted.TotalMilliseconds * 1000 / Math.Max(1, end - start):0.00} µs a row over {end - start} rows)");
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = Math.Tanh(scores[i] / fit.Scale);
        }

        return (scores, fit.TrainRows, 1);
    }

    /// <summary>One model per symbol on its raw rows and raw forward returns (the per-symbol trainer's label), symbols in parallel.</summary>
    private (double[] Scores, long TrainRows, int Models) PerSymbol(UniversePanel panel, int trainTo, int testFrom, int testTo, CancellationToken cancellationToken)
    {
        var (start, end) = panel.RowsOf(testFrom, testTo);
        var scores = Enumerable.Repeat(double.NaN, end - start).ToArray();
        var trainEnd = panel.First[trainTo];
        var bySymbol = new List<int>[panel.Symbols.Length];
        for (var r = 0; r < end; r++)
        {
            if (r >= start || (r < trainEnd && float.IsFinite(panel.Forward[r])))
            {
                (bySymbol[panel.Symbol[r]] ??= []).Add(r);
            }
        }

        long trainRows = 0;
        var models = 0;
        var perModel = options with { ThreadsPerModel = 1 };
        Parallel.ForEach(bySymbol.Where(rows => rows is not null), new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken }, rows =>
        {
            var train = rows.Where(r => r < trainEnd).ToArray();
            var test = rows.Where(r => r >= start).ToArray();
            if (train.Length < options.MinTrainRows || test.Length == 0)
            {
                return;
            }

            var model = LightGbmModel.Train(panel.Copies(train), train.Select(r => panel.Forward[r]).ToArray(), perModel);
            var scale = ModelTrainer.StandardDeviation(train.Select(r => (double)model.Predict(panel.Row(r))).ToArray());
            if (!(scale > 0))
            {
                return;
            }

            foreach (var r in test)
            {
                scores[r - start] = Math.Tanh(model.Predict(panel.Row(r)) / scale);
            }

            Interlocked.Add(ref trainRows, train.Length);
            Interlocked.Increment(ref models);
        });

        return (scores, trainRows, models);
    }

    /// <summary>The family's turnover control over the test dates, in date order, as the live cycle applies it (state starts with the window).</summary>
    private void Smooth(UniversePanel panel, int testFrom, int testTo, double[] scores)
    {
        var smoother = new SignalSmoother(smoothing);
        var offset = panel.First[testFrom];
        for (var d = testFrom; d < testTo; d++)
        {
            for (var r = panel.First[d]; r < panel.First[d + 1]; r++)
            {
                if (double.IsFinite(scores[r - offset]))
                {
                    scores[r - offset] = smoother.Apply(panel.Symbols[panel.Symbol[r]], panel.Dates[d], scores[r - offset]);
                }
            }
        }
    }

    /// <summary>The test dates' correlations and portfolio returns.</summary>
    internal static Series Score(UniversePanel panel, int testFrom, int testTo, double[] scores, double costBasisPoints)
    {
        var finite = scores.Select(double.IsFinite).ToArray();
        var masked = scores.Select(s => double.IsFinite(s) ? s : double.NaN).ToArray();
        var series = new Series();
        var offset = panel.First[testFrom];
        var forward = Mask(panel.Forward, panel.First[testFrom], finite);
        var next = Mask(panel.Next, panel.First[testFrom], finite);
        (series.Ic, series.RankIc) = PanelScores.Daily(panel, testFrom, testTo, masked, forward);
        (_, series.RankIc1d) = PanelScores.Daily(panel, testFrom, testTo, masked, next);
        var previous = new Dictionary<int, double>();
        for (var d = testFrom; d < testTo; d++)
        {
            var rows = Enumerable.Range(panel.First[d], panel.First[d + 1] - panel.First[d]).Where(r => finite[r - offset]).ToArray();
            var weights = Weights(rows.Select(r => scores[r - offset]).ToArray());
            var today = new Dictionary<int, double>();
            var gross = 0.0;
            for (var i = 0; i < rows.Length; i++)
            {
                today[panel.Symbol[rows[i]]] = weights[i];
                gross += weights[i] * (float.IsFinite(panel.Next[rows[i]]) ? panel.Next[rows[i]] : 0.0);
            }

            var turnover = today.Keys.Union(previous.Keys).Sum(s => Math.Abs(today.GetValueOrDefault(s) - previous.GetValueOrDefault(s)));
            series.Gross.Add(gross);
            series.Net.Add(gross - (turnover * costBasisPoints / 10_000.0));
            series.Turnover.Add(turnover);
            previous = today;
        }

        return series;
    }

    /// <summary>Centred ranks scaled to gross exposure 1 (the backtest's rule).</summary>
    internal static double[] Weights(double[] signals)
    {
        var weights = new double[signals.Length];
        if (signals.Length < 2)
        {
            return weights;
        }

        var ranks = CrossSection.AverageRanks(signals);
        var centre = (signals.Length - 1) / 2.0;
        var gross = ranks.Sum(r => Math.Abs(r - centre));
        for (var i = 0; gross > 0 && i < ranks.Length; i++)
        {
            weights[i] = (ranks[i] - centre) / gross;
        }

        return weights;
    }

    private static float[] Mask(float[] target, int offset, bool[] finite)
    {
        var result = (float[])target.Clone();
        for (var i = 0; i < finite.Length; i++)
        {
            if (!finite[i])
            {
                result[offset + i] = float.NaN;
            }
        }

        return result;
    }

    /// <summary>Daily figures of one or more test windows.</summary>
    internal sealed class Series
    {
        public List<double> Ic { get; set; } = [];

        public List<double> RankIc { get; set; } = [];

        public List<double> RankIc1d { get; set; } = [];

        public List<double> Gross { get; } = [];

        public List<double> Net { get; } = [];

        public List<double> Turnover { get; } = [];

        public void Add(Series other)
        {
            Ic.AddRange(other.Ic);
            RankIc.AddRange(other.RankIc);
            RankIc1d.AddRange(other.RankIc1d);
            Gross.AddRange(other.Gross);
            Net.AddRange(other.Net);
            Turnover.AddRange(other.Turnover);
        }

        public EvaluationRow Row(string scope, string window, DateOnly trainEnd, long trainRows, int models) => new(scope, window, trainEnd, trainRows, models, Gross.Count,
            Round(PanelScores.Mean(Ic)), Round(PanelScores.Mean(RankIc)), Round(PanelScores.Mean(RankIc) / Std(RankIc)), Round(PanelScores.Mean(RankIc1d)),
            Round(Sharpe(Gross)), Round(Sharpe(Net)), Round(PanelScores.Mean(Turnover.Skip(1).ToArray())));

        /// <summary>Annualised (252 days) mean over standard deviation, no risk-free rate.</summary>
        internal static double Sharpe(IReadOnlyList<double> daily) => PanelScores.Mean(daily) / Std(daily) * Math.Sqrt(252);

        private static double Std(IReadOnlyList<double> values) => ModelTrainer.StandardDeviation(values.ToArray());

        private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 4) : double.NaN;
    }
}
