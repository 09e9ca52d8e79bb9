using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;
using AlphaHost.Plugins.MlAlpha.Drift;
using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Plugins.MlAlpha.Models;

namespace AlphaHost.Plugins.MlAlpha.Training;

/// <summary>
/// Trains one LightGBM model per symbol on the contract's features: the requested symbols' features in one batch (of
/// the other symbols only the sector peers' <c>ret_20d</c>, for the ranks), then symbols in parallel, each with one LightGBM thread. Every model is written atomically
/// with its metadata; a symbol that cannot be trained is skipped with its reason and the others go on.
/// </summary>
internal sealed class ModelTrainer(FeatureContract contract, TrainingOptions options, ModelStore store, TimeProvider clock)
{
    private const int Buckets = DriftReference.Buckets;

    public async Task<TrainingSummary> TrainAsync(TrainingRequest request, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        store.RemoveLeftovers();
        using (store.Journal.Lock())
        {
            store.Recover();
        }

        // Features and closes are all the models need from the bars.
        var (matrices, closes, noBenchmark) = Inputs(request);
        ReleaseBars(request);
        var trained = new ConcurrentBag<TrainedModel>();
        var skipped = new ConcurrentBag<SkippedSymbol>();
        var done = 0;
        await Parallel.ForEachAsync(request.Symbols, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            (symbol, ct) =>
            {
                ct.ThrowIfCancellationRequested();
                var (model, reason) = !SymbolInfo.IsValidSymbol(symbol) ? (null, "not a valid symbol name")
                    : !closes.TryGetValue(symbol, out var close) ? (null, "not in the data")
                    : TryTrainOne(symbol, close, matrices[symbol], noBenchmark, request.Origin);
                if (model is not null)
                {
                    trained.Add(model);
                }
                else
                {
                    skipped.Add(new SkippedSymbol(symbol, reason!));
                }

                progress?.Report(new TrainingProgress(Interlocked.Increment(ref done), request.Symbols.Count, symbol, model is not null));
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);

        return new TrainingSummary(store.Root,
            trained.OrderBy(t => t.Symbol, StringComparer.Ordinal).ToArray(),
            skipped.OrderBy(s => s.Symbol, StringComparer.Ordinal).ToArray());
    }

    /// <summary>
    /// Lets the request's bars go once a trainer has taken what it needs from them, and hands their pages back before the
    /// fit with one aggressive collection: without it the garbage was still mapped when the fit started, under the fit's own
    /// peak, at no gain in time (docs/performance.md, "The ML family": the pooled <c>train</c> row and its timeline).
    /// </summary>
    internal static void ReleaseBars(TrainingRequest request)
    {
        request.ReleaseHistory();
        ReturnFreedMemory();
    }

    /// <summary>One full, compacting collection that hands freed pages back to the system: called between the large
    /// steps of an offline run (bars let go, a walk-forward window's fit done), never in the daemon.</summary>
    internal static void ReturnFreedMemory() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>What training takes from the bars: the requested symbols' features (the others are only sector peers) and
    /// closes, whether the benchmark is missing.</summary>
    private (IReadOnlyDictionary<string, FeatureMatrix> Matrices, Dictionary<string, double[]> Closes, bool NoBenchmark) Inputs(TrainingRequest request)
    {
        var history = request.History;
        var requested = request.Symbols.ToHashSet(StringComparer.Ordinal);
        var closes = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var symbol in history.Symbols.Where(s => requested.Contains(s.Symbol)))
        {
            var bars = symbol.Bars.Span;
            var close = new double[bars.Length];
            for (var i = 0; i < bars.Length; i++)
            {
                close[i] = bars[i].Close;
            }

            closes[symbol.Symbol] = close;
        }

        return (new FeaturePipeline(contract).ComputeBatch(history.Symbols, history.Benchmark, requested), closes, history.Benchmark is null);
    }

    private (TrainedModel? Model, string? Reason) TryTrainOne(string symbol, double[] closes, FeatureMatrix matrix, bool noBenchmark, SwitchOrigin? origin)
    {
        try
        {
            return TrainOne(symbol, closes, matrix, noBenchmark, origin);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"could not write the model to {store.Root}: {ex.Message}");
        }
    }

    private (TrainedModel? Model, string? Reason) TrainOne(string symbol, double[] closes, FeatureMatrix matrix, bool noBenchmark, SwitchOrigin? origin)
    {
        var (set, reason) = TrainingSet.Build(matrix, closes, options);
        if (set is null)
        {
            return (null, noBenchmark ? $"missing benchmark (beta_60 cannot be computed); {reason}" : Explain(reason!, matrix));
        }

        var model = LightGbmModel.Train(set.TrainX, set.TrainY, options);
        var inSample = model.PredictMany(set.TrainX);
        var scale = StandardDeviation(inSample.Select(p => (double)p).ToArray());
        if (!(scale > 0) || !double.IsFinite(scale))
        {
            return (null, "the fitted model predicts a constant: no usable signal (too little or too noisy data)");
        }

        if (model.Compiled is { } trees && SignalRule.OutOfRange(scale, trees.OutputSpan) is { } outOfRange)
        {
            return (null, $"the fitted model's predictions barely spread: {outOfRange}");
        }

        var predicted = model.PredictMany(set.ValidX).Select(p => (double)p).ToArray();
        var actual = set.ValidY.Select(y => (double)y).ToArray();
        var metrics = new ValidationMetrics(
            Round(CrossSection.Pearson(predicted, actual)), Round(CrossSection.Spearman(predicted, actual)), Round(Correlation.Rmse(predicted, actual)),
            set.TrainX.Length, set.ValidX.Length);
        var trainedAt = clock.GetUtcNow();
        var folder = store.Write(symbol, trainedAt, temp =>
        {
            var modelPath = Path.Combine(temp, ModelStore.ModelFile);
            using (var stream = File.Create(modelPath))
            {
                model.Save(stream);
            }

            var meta = Metadata(symbol, set, metrics, scale, trainedAt, ModelLoader.Sha256(modelPath)).Sealed();
            File.WriteAllBytes(Path.Combine(temp, ModelStore.MetaFile), JsonSerializer.SerializeToUtf8Bytes(meta, ModelMetadata.Json));
        }, origin);

        return (new TrainedModel(symbol, folder, new Dictionary<string, double>
        {
            ["ic"] = metrics.Ic,
            ["rank_ic"] = metrics.RankIc,
            ["rmse"] = metrics.Rmse,
            ["train_rows"] = metrics.TrainRows,
            ["validation_rows"] = metrics.ValidationRows,
        }), null);
    }

    private ModelMetadata Metadata(string symbol, TrainingSet set, ValidationMetrics metrics, double scale, DateTimeOffset trainedAt, string modelHash) => new()
    {
        Model = contract.Name,
        Symbol = symbol,
        Features = contract.Names,
        NFeatures = contract.Names.Count,
        Dtype = contract.Dtype,
        Contract = new ContractRef(contract.Name, contract.Version, contract.Hash),
        TrainedAt = trainedAt,
        GitCommit = BuildInfo.GitCommit,
        GitDirty = BuildInfo.GitDirty,
        TrainingDataPeriod = new Period(set.TrainDates[0], set.LastLabelDate),
        TrainPeriod = new Period(set.TrainDates[0], set.TrainDates[^1]),
        ValidationPeriod = new Period(set.ValidDates[0], set.ValidDates[^1]),
        Label = new LabelInfo($"forward simple return over {options.HorizonDays} trading days: close[t+{options.HorizonDays}] / close[t] - 1", options.HorizonDays, options.HorizonDays),
        Trainer = new TrainerInfo(LightGbmModel.TrainerName, $"Microsoft.ML {BuildInfo.MlNetVersion}", options.TrainerParameters(options.ThreadsPerModel)),
        Metrics = metrics,
        Signal = new SignalRule(SignalRule.TanhRule, scale),
        Reference = References(contract.Names, set.TrainX),
        ModelSha256 = modelHash,
    };

    /// <summary>Per feature, the deciles and bucket shares of the training rows: what the drift check compares live values with.</summary>
    internal static Dictionary<string, FeatureReference> References(IReadOnlyList<string> names, float[][] rows)
    {
        // Columns are independent (a pooled model's sample is 200,000 rows: 28 sorts of that size), so they run on every core.
        var references = new FeatureReference[names.Count];
        Parallel.For(0, names.Count, c =>
        {
            var values = new double[rows.Length];
            for (var r = 0; r < rows.Length; r++)
            {
                values[r] = rows[r][c];
            }

            Array.Sort(values);
            var edges = Enumerable.Range(1, Buckets - 1).Select(q => values[(int)((long)q * (values.Length - 1) / Buckets)]).ToArray();
            var counts = new int[Buckets];
            foreach (var v in values)
            {
                counts[DriftReference.BucketOf(edges, v)]++;
            }

            references[c] = new FeatureReference(edges, counts.Select(n => Round((double)n / values.Length)).ToArray(), values.Average(), StandardDeviation(values));
        });

        var result = new Dictionary<string, FeatureReference>(StringComparer.Ordinal);
        for (var c = 0; c < names.Count; c++)
        {
            result[names[c]] = references[c];
        }

        return result;
    }

    private string Explain(string reason, FeatureMatrix matrix)
    {
        var missing = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var t = contract.MinHistoryBars - 1; t < matrix.Rows; t++)
        {
            foreach (var name in matrix.MissingFeatures(t))
            {
                missing[name] = missing.GetValueOrDefault(name) + 1;
            }
        }

        var rows = Math.Max(1, matrix.Rows - contract.MinHistoryBars + 1);
        var worst = missing.OrderByDescending(m => m.Value).Take(3).Select(m => $"{m.Key} missing on {100.0 * m.Value / rows:0}% of rows").ToArray();
        return worst.Length == 0 ? reason : $"{reason}; {string.Join(", ", worst)}";
    }

    internal static double StandardDeviation(double[] values)
    {
        if (values.Length < 2)
        {
            return 0;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    internal static double Round(double value) => Math.Round(value, 6);
}
