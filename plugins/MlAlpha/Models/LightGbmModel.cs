using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using AlphaHost.Plugins.MlAlpha.Training;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// A LightGBM regression model through ML.NET, over a float32 feature vector of a fixed width. Not thread-safe: one
/// instance serves one caller at a time (the family's cycle, or one training task).
/// </summary>
internal sealed class LightGbmModel : IRowPredictor
{
    public const string TrainerName = "LightGbmRegression";

    private readonly MLContext _ml;
    private readonly ITransformer _transformer;
    private readonly PredictionEngine<FeatureRow, ScoreRow> _engine;
    private readonly FeatureRow _row;

    private LightGbmModel(MLContext ml, ITransformer transformer, DataViewSchema inputSchema)
    {
        _ml = ml;
        _transformer = transformer;
        var vector = inputSchema.GetColumnOrNull(FeatureRow.FeaturesColumn)?.Type as VectorDataViewType;
        if (vector is null || vector.ItemType != NumberDataViewType.Single || vector.Size <= 0)
        {
            throw new InvalidDataException($"the model's input is {vector?.ToString() ?? "missing"}, expected a fixed-size vector of float32 features");
        }

        var width = vector.Size;
        Width = width;

        _engine = ml.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(transformer, inputSchemaDefinition: FeatureRow.Schema(width));
        _row = new FeatureRow { Features = new float[width] };
        Compiled = Ensemble(transformer) is { } ensemble ? TreeEnsemble.Compile(ensemble, width) : null;
    }

    /// <summary>The trees compiled for fast single-row prediction; null when they cannot be (then ML.NET's engine serves).</summary>
    internal TreeEnsemble? Compiled { get; }

    /// <summary>Fits a model; deterministic for the same rows and options.</summary>
    public static LightGbmModel Train(IReadOnlyList<float[]> x, float[] y, TrainingOptions options)
    {
        var width = x[0].Length;
        var ml = new MLContext(seed: options.Seed);
        var data = ml.Data.LoadFromEnumerable(Rows(x, y, width), FeatureRow.Schema(width));
        var trainer = ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
        {
            LabelColumnName = FeatureRow.LabelColumn,
            FeatureColumnName = FeatureRow.FeaturesColumn,
            NumberOfIterations = options.Trees,
            NumberOfLeaves = options.Leaves,
            LearningRate = options.LearningRate,
            MinimumExampleCountPerLeaf = options.MinRowsPerLeaf,
            Seed = options.Seed,
            NumberOfThreads = options.ThreadsPerModel,
            Verbose = false,
            Silent = true,
        });
        var transformer = trainer.Fit(data);
        return new LightGbmModel(ml, transformer, data.Schema);
    }

    /// <summary>
    /// The rows as ML.NET reads them: one row object, refilled for each row of a pass (ML.NET reads a row through its
    /// getters before it moves on). The trainer passes over the rows several times, so this saves a row object and a
    /// feature array for every row of every pass (~1.6 M rows a pass for a pooled fit of `../shared/data`).
    /// </summary>
    private static IEnumerable<FeatureRow> Rows(IReadOnlyList<float[]> x, float[] y, int width)
    {
        var row = new FeatureRow { Features = new float[width] };
        var source = x as IRowSource;
        for (var i = 0; i < x.Count; i++)
        {
            if (source is not null)
            {
                source.CopyRow(i, row.Features);
            }
            else
            {
                x[i].CopyTo(row.Features, 0);
            }

            row.Label = y[i];
            yield return row;
        }
    }

    /// <summary>Rows that can be copied into a caller's buffer without making an array of each (a panel's rows).</summary>
    internal interface IRowSource
    {
        void CopyRow(int index, Span<float> destination);
    }

    /// <summary>Loads a saved model; throws <see cref="InvalidDataException"/> when the file is not one.</summary>
    public static LightGbmModel Load(string path)
    {
        var ml = new MLContext(seed: 0);
        try
        {
            using var stream = File.OpenRead(path);
            var transformer = ml.Model.Load(stream, out var schema);
            return new LightGbmModel(ml, transformer, schema);
        }
        catch (Exception ex) when (ex is not InvalidDataException and not IOException and not UnauthorizedAccessException)
        {
            throw new InvalidDataException($"not a readable model: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the model to a stream (a zip).</summary>
    public void Save(Stream stream) => _ml.Model.Save(_transformer, FeatureRow.EmptyView(_ml, Width).Schema, stream);

    /// <summary>What serves this model: the compiled trees (thread-safe, and without ML.NET's objects), else the model itself.</summary>
    public IRowPredictor Server => Compiled ?? (IRowPredictor)this;

    /// <summary>One prediction (thread-safe when the trees are compiled, which is the case for every model this family trains).</summary>
    public float Predict(ReadOnlySpan<float> features) => Compiled?.Predict(features) ?? PredictWithEngine(features);

    /// <summary>One prediction through ML.NET's own engine (not thread-safe).</summary>
    internal float PredictWithEngine(ReadOnlySpan<float> features)
    {
        features.CopyTo(_row.Features);
        return _engine.Predict(_row).Score;
    }

    private static RegressionTreeEnsemble? Ensemble(ITransformer transformer) => transformer switch
    {
        ISingleFeaturePredictionTransformer<LightGbmRegressionModelParameters> p => p.Model.TrainedTreeEnsemble,
        TransformerChain<ITransformer> chain => chain.LastTransformer is { } last ? Ensemble(last) : null,
        _ => null,
    };

    /// <summary>Predictions for many rows at once, through one pass of the pipeline.</summary>
    public float[] PredictMany(IReadOnlyList<float[]> rows)
    {
        var view = _ml.Data.LoadFromEnumerable(rows.Select(r => new FeatureRow { Features = r }), FeatureRow.Schema(Width));
        return _transformer.Transform(view).GetColumn<float>(ScoreRow.ScoreColumn).ToArray();
    }

    /// <summary>Features the model takes.</summary>
    public int Width { get; }

    /// <summary>The input row: a fixed-width float32 feature vector (its width is set at run time from the contract).</summary>
    internal sealed class FeatureRow
    {
        public const string FeaturesColumn = "Features";
        public const string LabelColumn = "Label";

        public float[] Features { get; set; } = [];

        public float Label { get; set; }

        public static SchemaDefinition Schema(int width)
        {
            var schema = SchemaDefinition.Create(typeof(FeatureRow));
            schema[FeaturesColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
            return schema;
        }

        public static IDataView EmptyView(MLContext ml, int width) => ml.Data.LoadFromEnumerable(Array.Empty<FeatureRow>(), Schema(width));
    }

    internal sealed class ScoreRow
    {
        public const string ScoreColumn = "Score";

        public float Score { get; set; }
    }
}
