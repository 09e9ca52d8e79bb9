using System.Globalization;
using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;
using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Plugins.MlAlpha.Training;

namespace AlphaHost.Plugins.MlAlpha.Universe;

/// <summary>
/// Trains the pooled model (<c>training.scope: universe</c>): one LightGBM over every requested symbol's rows of the
/// <see cref="UniversePanel"/>, on all cores. Split in time over the panel's dates: the newest
/// <see cref="TrainingOptions.ValidationFraction"/> of the labelled dates validate, and the training dates end
/// <see cref="TrainingOptions.HorizonDays"/> dates before them (the embargo), so no training label reaches a
/// validation date. Stored as <c>UNIVERSE_&lt;tag&gt;_&lt;ts&gt;/</c> with its <c>_latest</c>, like a per-symbol model.
/// </summary>
internal sealed class UniverseTrainer(FeatureContract contract, TrainingOptions options, ModelStore store, TimeProvider clock)
{
    /// <summary>The pooled model's name in the models folder (a reserved symbol name).</summary>
    public const string ModelName = "UNIVERSE";

    public Task<TrainingSummary> TrainAsync(TrainingRequest request, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken) =>
        Task.Run(() => Train(request, progress, cancellationToken), cancellationToken);

    private TrainingSummary Train(TrainingRequest request, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        store.RemoveLeftovers();
        var (panel, skipped) = BuildPanel(request, cancellationToken);

        // What the fit needs from the bars is in the panel now: the raw sample (taken into the drift reference
        // here) and the bars are let go before LightGBM builds its dataset, the peak of the run.
        var reference = ModelTrainer.References(contract.Names, panel.TakeRawSample());
        ModelTrainer.ReleaseBars(request);
        var (fit, reason) = TrainAndValidate(panel, cancellationToken);
        progress?.Report(new TrainingProgress(request.Symbols.Count, request.Symbols.Count, ModelName, fit is not null));
        if (fit is null)
        {
            skipped.Add(new SkippedSymbol(ModelName, reason!));
            return new TrainingSummary(store.Root, [], skipped);
        }

        var trainedAt = clock.GetUtcNow();
        var folder = store.Write(ModelName, trainedAt, temp =>
        {
            var modelPath = Path.Combine(temp, ModelStore.ModelFile);
            using (var stream = File.Create(modelPath))
            {
                fit.Model.Save(stream);
            }

            var meta = Metadata(panel, fit, reference, trainedAt, ModelLoader.Sha256(modelPath)).Sealed();
            File.WriteAllBytes(Path.Combine(temp, ModelStore.MetaFile), JsonSerializer.SerializeToUtf8Bytes(meta, ModelMetadata.Json));
        });

        var symbolsSeen = panel.Symbol.Distinct().Count();
        return new TrainingSummary(store.Root, [new TrainedModel(ModelName, folder, new Dictionary<string, double>
        {
            ["ic"] = fit.Metrics.Ic,
            ["rank_ic"] = fit.Metrics.RankIc,
            ["rmse"] = fit.Metrics.Rmse,
            ["train_rows"] = fit.Metrics.TrainRows,
            ["validation_rows"] = fit.Metrics.ValidationRows,
            ["symbols"] = symbolsSeen,
        })], skipped);
    }

    /// <summary>The requested symbols' panel (the only part of training that reads bars) and the symbols not in the data.</summary>
    private (UniversePanel Panel, List<SkippedSymbol> Skipped) BuildPanel(TrainingRequest request, CancellationToken cancellationToken)
    {
        var bySymbol = request.History.Symbols.ToDictionary(s => s.Symbol, StringComparer.Ordinal);
        var skipped = request.Symbols.Where(s => !bySymbol.ContainsKey(s)).Select(s => new SkippedSymbol(s, "not in the data")).ToList();
        var histories = request.Symbols.Where(bySymbol.ContainsKey).Distinct(StringComparer.Ordinal).Select(s => bySymbol[s]).ToArray();
        var matrices = new FeaturePipeline(contract).ComputeBatch(request.History.Symbols, request.History.Benchmark, histories.Select(h => h.Symbol).ToHashSet(StringComparer.Ordinal));
        cancellationToken.ThrowIfCancellationRequested();
        return (UniversePanel.Build(histories, matrices, options.HorizonDays, options.CrossSectionalTransform), skipped);
    }

    /// <summary>The chronological split with its embargo: training dates [0, TrainEnd), validation dates [ValidStart, ValidEnd).</summary>
    internal static (int TrainEnd, int ValidStart, int ValidEnd) Split(UniversePanel panel, double validationFraction, int horizon)
    {
        var validEnd = panel.Dates.Length;
        while (validEnd > 0 && !Labelled(panel, validEnd - 1))
        {
            validEnd--;
        }

        var validCount = Math.Max(1, (int)(validEnd * validationFraction));
        var validStart = validEnd - validCount;
        return (Math.Max(0, validStart - horizon), validStart, validEnd);
    }

    private (PooledFit? Fit, string? Reason) TrainAndValidate(UniversePanel panel, CancellationToken cancellationToken)
    {
        var (trainEnd, validStart, validEnd) = Split(panel, options.ValidationFraction, options.HorizonDays);
        if (!LabelVaries(panel, 0, trainEnd))
        {
            // One symbol a day (or ties everywhere) ranks to the same label on every date: LightGBM would fit trees
            // without a split, which ML.NET cannot even build into a model.
            return (null, $"the same label on every date: a pooled model ranks each date's symbols and needs at least 2 ({panel.Symbol.Distinct().Count()} given)");
        }

        var fit = PooledFit.Train(panel, 0, trainEnd, options, cancellationToken);
        var validRows = CountLabelled(panel, validStart, validEnd);
        if (fit is null || fit.TrainRows < options.MinTrainRows || validRows < options.MinValidationRows)
        {
            return (null, $"too short: {fit?.TrainRows ?? 0} training and {validRows} validation rows, needs {options.MinTrainRows} and {options.MinValidationRows}");
        }

        if (!(fit.Scale > 0) || !double.IsFinite(fit.Scale))
        {
            return (null, "the fitted model predicts a constant: no usable signal (too little or too noisy data)");
        }

        if (fit.Model.Compiled is { } trees && SignalRule.OutOfRange(fit.Scale, trees.OutputSpan) is { } outOfRange)
        {
            return (null, $"the fitted model's predictions barely spread: {outOfRange}");
        }

        var (start, end) = panel.RowsOf(validStart, validEnd);
        var predicted = PanelScores.Predict(fit.Model, panel, start, end);
        var (ic, rankIc) = PanelScores.Daily(panel, validStart, validEnd, predicted, panel.Forward);
        var se = 0.0;
        for (var r = start; r < end; r++)
        {
            if (float.IsFinite(panel.Label[r]))
            {
                se += Math.Pow(predicted[r - start] - panel.Label[r], 2);
            }
        }

        fit.Metrics = new ValidationMetrics(ModelTrainer.Round(PanelScores.Mean(ic)), ModelTrainer.Round(PanelScores.Mean(rankIc)), ModelTrainer.Round(Math.Sqrt(se / validRows)), fit.TrainRows, validRows);
        fit.Periods = (new Period(panel.Dates[0], panel.Dates[trainEnd - 1]), new Period(panel.Dates[validStart], panel.Dates[validEnd - 1]),
            panel.Dates[Math.Min(panel.Dates.Length - 1, validEnd - 1 + options.HorizonDays)]);
        return (fit, null);
    }

    private ModelMetadata Metadata(UniversePanel panel, PooledFit fit, Dictionary<string, FeatureReference> reference, DateTimeOffset trainedAt, string modelHash) => new()
    {
        Model = contract.Name,
        Symbol = ModelName,
        Features = contract.Names,
        NFeatures = contract.Names.Count,
        Dtype = contract.Dtype,
        Contract = new ContractRef(contract.Name, contract.Version, contract.Hash),
        TrainedAt = trainedAt,
        GitCommit = BuildInfo.GitCommit,
        GitDirty = BuildInfo.GitDirty,
        TrainingDataPeriod = new Period(fit.Periods.Train.Start, fit.Periods.LastLabel),
        TrainPeriod = fit.Periods.Train,
        ValidationPeriod = fit.Periods.Validation,
        Label = new LabelInfo(
            $"rank among the date's symbols of the forward simple return over {options.HorizonDays} trading days (close[t+{options.HorizonDays}] / close[t] - 1), scaled to [-0.5, 0.5]",
            options.HorizonDays, options.HorizonDays),
        Trainer = new TrainerInfo(LightGbmModel.TrainerName, $"Microsoft.ML {BuildInfo.MlNetVersion}", PooledParameters(panel)),
        Metrics = fit.Metrics,
        Signal = new SignalRule(SignalRule.TanhRule, fit.Scale),
        Scope = ModelMetadata.UniverseScope,
        CrossSectionalTransform = options.CrossSectionalTransform,
        Universe = panel.Symbol.Distinct().Order().Select(i => panel.Symbols[i]).ToArray(),
        Reference = reference,
        ModelSha256 = modelHash,
    };

    /// <summary>The shared trainer parameters (threads: the pooled fit's, <c>training.parallelism</c>), then the pooled model's own.</summary>
    private Dictionary<string, string> PooledParameters(UniversePanel panel)
    {
        var parameters = options.TrainerParameters(options.Parallelism);
        parameters["symbols"] = panel.Symbol.Distinct().Count().ToString(CultureInfo.InvariantCulture);
        parameters["metrics"] = "ic and rank_ic: mean over validation dates of the daily cross-sectional correlation with the forward return; rmse against the label";
        return parameters;
    }

    private static bool LabelVaries(UniversePanel panel, int fromDate, int toDate)
    {
        var (start, end) = panel.RowsOf(fromDate, toDate);
        var first = float.NaN;
        for (var r = start; r < end; r++)
        {
            var label = panel.Label[r];
            if (!float.IsFinite(label))
            {
                continue;
            }

            if (float.IsNaN(first))
            {
                first = label;
            }
            else if (label != first)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Labelled(UniversePanel panel, int date)
    {
        for (var r = panel.First[date]; r < panel.First[date + 1]; r++)
        {
            if (float.IsFinite(panel.Label[r]))
            {
                return true;
            }
        }

        return false;
    }

    private static int CountLabelled(UniversePanel panel, int fromDate, int toDate)
    {
        var n = 0;
        for (var r = panel.First[fromDate]; r < panel.First[toDate]; r++)
        {
            n += float.IsFinite(panel.Label[r]) ? 1 : 0;
        }

        return n;
    }
}

/// <summary>A pooled model fitted on a range of a panel's dates, with its signal scale (spread of its in-sample predictions).</summary>
internal sealed class PooledFit
{
    private PooledFit(LightGbmModel model, int trainRows, double scale)
    {
        Model = model;
        TrainRows = trainRows;
        Scale = scale;
    }

    public LightGbmModel Model { get; }

    public int TrainRows { get; }

    public double Scale { get; }

    public ValidationMetrics Metrics { get; set; } = new(double.NaN, double.NaN, double.NaN, 0, 0);

    public (Period Train, Period Validation, DateOnly LastLabel) Periods { get; set; }

    /// <summary>Fits on the labelled rows of dates [<paramref name="fromDate"/>, <paramref name="toDate"/>) with all of <see cref="TrainingOptions.Parallelism"/> as LightGBM threads; null without rows.</summary>
    public static PooledFit? Train(UniversePanel panel, int fromDate, int toDate, TrainingOptions options, CancellationToken cancellationToken)
    {
        if (toDate <= fromDate)
        {
            return null;
        }

        var (start, end) = panel.RowsOf(fromDate, toDate);
        var rows = new List<int>(end - start);
        for (var r = start; r < end; r++)
        {
            if (float.IsFinite(panel.Label[r]))
            {
                rows.Add(r);
            }
        }

        if (rows.Count < 2)
        {
            return null;
        }

        var y = new float[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            y[i] = panel.Label[rows[i]];
        }

        cancellationToken.ThrowIfCancellationRequested();
        var model = LightGbmModel.Train(panel.Copies(rows), y, options with { ThreadsPerModel = options.Parallelism });
        var inSample = PanelScores.Predict(model, panel, rows);
        return new PooledFit(model, rows.Count, ModelTrainer.StandardDeviation(inSample));
    }
}
