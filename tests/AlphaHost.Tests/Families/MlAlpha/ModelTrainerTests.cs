using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Models;
using AlphaHost.Plugins.MlAlpha.Training;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Families.MlAlpha;

public sealed class ModelTrainerTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Train_EveryModel_HasCompleteMetadataMatchingTheContractAndItsFile()
    {
        var history = TrainedModels.History();
        Assert.Equal(TrainedModels.Symbols.Length, TrainedModels.Summary.Trained.Count + TrainedModels.Summary.Skipped.Count);
        Assert.NotEmpty(TrainedModels.Summary.Trained);

        foreach (var trained in TrainedModels.Summary.Trained)
        {
            var meta = ModelLoader.ReadMeta(trained.Location);
            Assert.Equal(TrainedModels.Contract.Names, meta.Features);
            Assert.Equal(28, meta.NFeatures);
            Assert.Equal("float32", meta.Dtype);
            Assert.Equal(("ml_v1", "1.0.0", TrainedModels.Contract.Hash), (meta.Contract.Name, meta.Contract.Version, meta.Contract.Hash));
            Assert.Equal(ModelLoader.Sha256(Path.Combine(trained.Location, ModelStore.ModelFile)), meta.ModelSha256);
            Assert.Matches("^([0-9a-f]{40}|unknown)$", meta.GitCommit);
            Assert.Contains(meta.GitDirty, new[] { "true", "false", "unknown" });
            Assert.True((DateTimeOffset.UtcNow - meta.TrainedAt).Duration() < TimeSpan.FromHours(1));
            var bars = history.Symbols.Single(s => s.Symbol == trained.Symbol).Bars.Span;
            Assert.True(meta.TrainingDataPeriod.Start >= bars[0].Date && meta.TrainingDataPeriod.End <= bars[^1].Date);
            Assert.Equal(5, meta.Label.HorizonDays);
            Assert.Equal("LightGbmRegression", meta.Trainer.Name);
            Assert.Equal("1", meta.Trainer.Parameters["threads"]);
            Assert.True(meta.Metrics.TrainRows > 0 && meta.Metrics.ValidationRows > 0 && double.IsFinite(meta.Metrics.Ic) && double.IsFinite(meta.Metrics.RankIc) && meta.Metrics.Rmse > 0);
            Assert.True(meta.Signal.Scale > 0);
            Assert.Equal(TrainedModels.Contract.Names.Order(), meta.Reference.Keys.Order());
            Assert.All(meta.Reference.Values, r =>
            {
                Assert.Equal(9, r.Edges.Count);
                Assert.Equal(10, r.Proportions.Count);
                Assert.Equal(1.0, r.Proportions.Sum(), 3);
            });
        }
    }

    [Fact]
    public void Train_Split_LeavesAGapOfTheLabelHorizonBetweenTrainingAndValidation()
    {
        var dates = TrainedModels.History().Benchmark!.Bars.ToArray().Select(b => b.Date).ToList();
        foreach (var trained in TrainedModels.Summary.Trained)
        {
            var meta = ModelLoader.ReadMeta(trained.Location);
            var lastTrainingLabel = dates.IndexOf(meta.TrainPeriod.End) + meta.Label.HorizonDays;

            Assert.True(lastTrainingLabel < dates.IndexOf(meta.ValidationPeriod.Start),
                $"{trained.Symbol}: training labels reach {dates[lastTrainingLabel]}, validation starts {meta.ValidationPeriod.Start}");
        }
    }

    [Fact]
    public async Task Train_ShortHistory_IsSkippedWithItsReasonAndTheOthersTrain()
    {
        var history = TrainedModels.History();
        var shortened = history.Symbols.Select(s => s.Symbol == "AAB" ? s with { Bars = s.Bars[^150..] } : s).ToArray();

        var summary = await Train(history with { Symbols = shortened }, "AAA", "AAB");

        Assert.Equal(["AAA"], summary.Trained.Select(t => t.Symbol));
        var skipped = Assert.Single(summary.Skipped);
        Assert.Equal("AAB", skipped.Symbol);
        Assert.StartsWith("too short: ", skipped.Reason);
        Assert.Contains("150 bars", skipped.Reason);
    }

    [Fact]
    public async Task Train_WithoutBenchmark_SkipsEverySymbolNamingTheBenchmark()
    {
        var summary = await Train(TrainedModels.History() with { Benchmark = null }, "AAA");

        Assert.Empty(summary.Trained);
        Assert.StartsWith("missing benchmark", Assert.Single(summary.Skipped).Reason);
    }

    [Fact]
    public async Task Train_SameDataAndSeed_GivesTheSamePredictions()
    {
        var history = TrainedModels.History();
        var first = (await Train(history, "AAC")).Trained.Single().Location;
        var second = (await Train(history, "AAC")).Trained.Single().Location;
        var rows = Enumerable.Range(0, 50).Select(i => Enumerable.Range(0, 28).Select(j => (float)Math.Sin(i + (j * 0.37))).ToArray()).ToArray();

        var a = LightGbmModel.Load(Path.Combine(first, ModelStore.ModelFile)).PredictMany(rows);
        var b = LightGbmModel.Load(Path.Combine(second, ModelStore.ModelFile)).PredictMany(rows);

        Assert.Equal(a, b);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Train_Again_SwitchesLatestToTheNewModelAndKeepsTheOld()
    {
        var history = TrainedModels.History();
        var first = (await Train(history, "AAA")).Trained.Single().Location;
        var second = (await Train(history, "AAA")).Trained.Single().Location;
        var store = new ModelStore(_dir.File("models"), "v1", TimeProvider.System);

        Assert.Equal(second, store.ResolveLatest("AAA", Path.Combine(store.Root, "AAA_v1_latest")));
        Assert.True(Directory.Exists(first));
        Assert.Single(store.LatestEntries());
    }

    [Fact]
    public async Task Train_Cancelled_LeavesNoHalfWrittenModelVisible()
    {
        using var cts = new CancellationTokenSource();
        var progress = new Cancelling(cts);
        var trainer = new ModelTrainer(TrainedModels.Contract, TrainedModels.FastTraining with { Parallelism = 1 }, new ModelStore(_dir.File("models"), "v1", TimeProvider.System), TimeProvider.System);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            trainer.TrainAsync(new TrainingRequest(TrainedModels.History(), TrainedModels.Symbols), progress, cts.Token));

        var entries = Directory.GetFileSystemEntries(_dir.File("models")).Select(Path.GetFileName).ToArray();
        Assert.DoesNotContain(entries, e => e!.StartsWith('.'));
        foreach (var latest in entries.Where(e => e!.EndsWith("_latest", StringComparison.Ordinal)))
        {
            var folder = new ModelStore(_dir.File("models"), "v1", TimeProvider.System).ResolveLatest(latest![..3], _dir.File("models/" + latest));
            Assert.Equal(ModelLoader.ReadMeta(folder).ModelSha256, ModelLoader.Sha256(Path.Combine(folder, ModelStore.ModelFile)));
        }
    }

    public void Dispose() => _dir.Dispose();

    private Task<TrainingSummary> Train(MarketHistory history, params string[] symbols) =>
        new ModelTrainer(TrainedModels.Contract, TrainedModels.FastTraining, new ModelStore(_dir.File("models"), "v1", TimeProvider.System), TimeProvider.System)
            .TrainAsync(new TrainingRequest(history, symbols), null, CancellationToken.None);

    private sealed class Cancelling(CancellationTokenSource cts) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => cts.Cancel();
    }
}
