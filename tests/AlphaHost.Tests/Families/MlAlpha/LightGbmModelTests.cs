using AlphaHost.Plugins.MlAlpha.Features;
using AlphaHost.Plugins.MlAlpha.Models;

namespace AlphaHost.Tests.Families.MlAlpha;

public sealed class LightGbmModelTests
{
    [Fact]
    public void Predict_CompiledTrees_EqualMlNetsOwnPredictionOnRealFeatureRows()
    {
        var history = TrainedModels.History();
        var matrices = new FeaturePipeline(TrainedModels.Contract).ComputeBatch(history.Symbols, history.Benchmark);
        foreach (var trained in TrainedModels.Summary.Trained)
        {
            var model = LightGbmModel.Load(Path.Combine(trained.Location, ModelStore.ModelFile));
            Assert.NotNull(model.Compiled);
            var matrix = matrices[trained.Symbol];
            var rows = Enumerable.Range(0, matrix.Rows).Where(matrix.IsValid).Select(r => matrix.Row(r).ToArray()).ToArray();

            var batch = model.PredictMany(rows);
            for (var i = 0; i < rows.Length; i++)
            {
                var engine = model.PredictWithEngine(rows[i]);
                Assert.Equal(engine, model.Predict(rows[i]));
                Assert.Equal(engine, batch[i]);
            }
        }
    }

    [Fact]
    public void Predict_RandomRowsAtSeveralScales_EqualMlNetsOwnPrediction()
    {
        var model = LightGbmModel.Load(Path.Combine(TrainedModels.Summary.Trained[0].Location, ModelStore.ModelFile));
        var random = new Random(3);
        for (var i = 0; i < 2000; i++)
        {
            var row = Enumerable.Range(0, 28).Select(_ => (float)((random.NextDouble() * 4) - 2) * (random.Next(3) == 0 ? 100f : 1f)).ToArray();

            Assert.Equal(model.PredictWithEngine(row), model.Predict(row));
        }
    }
}
