using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Features;

namespace AlphaHost.Plugins.MlAlpha.Training;

/// <summary>
/// One symbol's supervised rows, split in time: the newest <see cref="TrainingOptions.ValidationFraction"/> of the usable
/// rows validate; training rows end <see cref="TrainingOptions.HorizonDays"/> bars before the first validation row, so no
/// training label (which looks that far ahead) overlaps the validation period.
/// </summary>
internal sealed class TrainingSet
{
    private TrainingSet(float[][] trainX, float[] trainY, DateOnly[] trainDates, float[][] validX, float[] validY, DateOnly[] validDates, DateOnly lastLabelDate)
    {
        TrainX = trainX;
        TrainY = trainY;
        TrainDates = trainDates;
        ValidX = validX;
        ValidY = validY;
        ValidDates = validDates;
        LastLabelDate = lastLabelDate;
    }

    public float[][] TrainX { get; }

    public float[] TrainY { get; }

    public DateOnly[] TrainDates { get; }

    public float[][] ValidX { get; }

    public float[] ValidY { get; }

    public DateOnly[] ValidDates { get; }

    /// <summary>The newest bar any label used: the end of the data the model learned from.</summary>
    public DateOnly LastLabelDate { get; }

    /// <summary>The rows of one symbol, or the reason it cannot be trained.</summary>
    /// <param name="matrix">The symbol's features, a row per bar.</param>
    /// <param name="closes">The symbol's closes, one per bar (the labels are taken from them).</param>
    /// <param name="options">Horizon, split and minimum sizes.</param>
    public static (TrainingSet? Set, string? Reason) Build(FeatureMatrix matrix, ReadOnlySpan<double> closes, TrainingOptions options)
    {
        var horizon = options.HorizonDays;
        var usable = new List<int>();
        for (var t = 0; t + horizon < closes.Length; t++)
        {
            if (matrix.IsValid(t))
            {
                usable.Add(t);
            }
        }

        var needed = options.MinTrainRows + options.MinValidationRows + horizon;
        if (usable.Count < needed)
        {
            return (null, $"too short: {usable.Count} usable rows ({closes.Length} bars), needs {needed} " +
                $"({options.MinTrainRows} train + {options.MinValidationRows} validation + {horizon} gap)");
        }

        var validCount = Math.Max(options.MinValidationRows, (int)(usable.Count * options.ValidationFraction));
        var firstValid = usable[^validCount];
        var train = usable.Where(t => t + horizon < firstValid).ToArray();
        var valid = usable.Skip(usable.Count - validCount).ToArray();
        if (train.Length < options.MinTrainRows)
        {
            return (null, $"too short: {train.Length} training rows after the validation split, needs {options.MinTrainRows}");
        }

        var (trainX, trainY) = Rows(matrix, closes, train, horizon);
        var (validX, validY) = Rows(matrix, closes, valid, horizon);
        if (trainY.Any(y => !float.IsFinite(y)) || validY.Any(y => !float.IsFinite(y)))
        {
            return (null, "bad data: a forward return is not finite");
        }

        return (new TrainingSet(trainX, trainY, DatesOf(matrix, train), validX, validY, DatesOf(matrix, valid), matrix.Dates[valid[^1] + horizon]), null);
    }

    private static DateOnly[] DatesOf(FeatureMatrix matrix, int[] rows)
    {
        var dates = new DateOnly[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            dates[i] = matrix.Dates[rows[i]];
        }

        return dates;
    }

    private static (float[][] X, float[] Y) Rows(FeatureMatrix matrix, ReadOnlySpan<double> closes, int[] rows, int horizon)
    {
        var x = new float[rows.Length][];
        var y = new float[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var t = rows[i];
            x[i] = matrix.Row(t).ToArray();
            y[i] = (float)((closes[t + horizon] / closes[t]) - 1.0);
        }

        return (x, y);
    }
}
