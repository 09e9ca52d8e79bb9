using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// <c>model_meta.json</c>: everything needed to serve a model safely and to audit it later. The feature list, count,
/// dtype and contract hash are what inference checks; the rest tells who trained what, on which data, how well.
/// </summary>
internal sealed record ModelMetadata
{
    public const int CurrentSchema = 1;

    /// <summary>The <see cref="Scope"/> of a pooled model.</summary>
    public const string UniverseScope = "universe";

    public int SchemaVersion { get; init; } = CurrentSchema;

    /// <summary>The model family and contract, e.g. <c>ml_v1</c>.</summary>
    public required string Model { get; init; }

    public required string Symbol { get; init; }

    /// <summary>The ordered feature names the model was trained on.</summary>
    public required IReadOnlyList<string> Features { get; init; }

    public required int NFeatures { get; init; }

    public required string Dtype { get; init; }

    public required ContractRef Contract { get; init; }

    public required DateTimeOffset TrainedAt { get; init; }

    public required string GitCommit { get; init; }

    /// <summary><c>true</c>, <c>false</c> or <c>unknown</c>: whether the trainer's build had uncommitted changes.</summary>
    public required string GitDirty { get; init; }

    /// <summary>First and last date of the bars the model learned from (features and labels alike).</summary>
    public required Period TrainingDataPeriod { get; init; }

    public required Period TrainPeriod { get; init; }

    public required Period ValidationPeriod { get; init; }

    public required LabelInfo Label { get; init; }

    public required TrainerInfo Trainer { get; init; }

    public required ValidationMetrics Metrics { get; init; }

    public required SignalRule Signal { get; init; }

    /// <summary><c>universe</c> for a pooled model (one model over every symbol's rows); absent for a per-symbol model.</summary>
    public string? Scope { get; init; }

    /// <summary>
    /// The pooled model's cross-sectional transform of the features (<c>rank</c> or <c>robust_z</c>, applied across the
    /// symbols of each date before prediction); absent for a per-symbol model, which sees the raw features.
    /// </summary>
    public string? CrossSectionalTransform { get; init; }

    /// <summary>
    /// The symbols a pooled model was trained on, in order: it serves these only, so that the live cross-section
    /// (and its transform) is drawn from the universe it learned; absent for a per-symbol model.
    /// </summary>
    public IReadOnlyList<string>? Universe { get; init; }

    /// <summary>Per feature, the training distribution the live features are compared with (PSI).</summary>
    public required IReadOnlyDictionary<string, FeatureReference> Reference { get; init; }

    /// <summary>Lower-case hex SHA-256 of <c>model.zip</c>; a model whose file differs is refused.</summary>
    public required string ModelSha256 { get; init; }

    /// <summary>
    /// Lower-case hex SHA-256 of every other field (<see cref="ContentSha256"/>), written at train time: features, dtype,
    /// contract, signal rule and scale, drift reference, model hash, provenance. An edit of any of them is refused as
    /// <see cref="ModelLoadException.MetaHashMismatch"/>; null in metadata written before the hash existed (legacy).
    /// </summary>
    public string? MetaSha256 { get; init; }

    public static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The hashed form: the values as read, not the file's bytes, so that layout and number spelling do not matter.</summary>
    private static JsonSerializerOptions Canonical { get; } = new(Json) { WriteIndented = false };

    /// <summary>SHA-256 of the metadata without <see cref="MetaSha256"/>, in compact JSON.</summary>
    public string ContentSha256() =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(this with { MetaSha256 = null }, Canonical))).ToLowerInvariant();

    /// <summary>This metadata with its <see cref="MetaSha256"/> recorded.</summary>
    public ModelMetadata Sealed() => this with { MetaSha256 = ContentSha256() };

    /// <summary>Whether this is a pooled model, served for every symbol after the cross-sectional transform.</summary>
    [JsonIgnore]
    public bool IsPooled => Scope == UniverseScope;

    /// <summary>
    /// The first null where a value belongs that the reader's nullability checks cannot see (list items, dictionary
    /// values), as a key path; null when there is none.
    /// </summary>
    public string? NullItem() =>
        Features.Select((f, i) => f is null ? $"features[{i}]" : null).FirstOrDefault(k => k is not null)
        ?? Reference.Where(r => r.Value is null).Select(r => $"reference.{r.Key}").FirstOrDefault()
        ?? Trainer.Parameters.Where(p => p.Value is null).Select(p => $"trainer.parameters.{p.Key}").FirstOrDefault();
}

internal sealed record ContractRef(string Name, string Version, string Hash);

internal sealed record Period(DateOnly Start, DateOnly End)
{
    public bool Overlaps(DateOnly start, DateOnly end) => Start <= end && start <= End;

    public override string ToString() => $"{Start:yyyy-MM-dd}..{End:yyyy-MM-dd}";
}

/// <param name="Definition">The label in words.</param>
/// <param name="HorizonDays">The forward horizon in trading days.</param>
/// <param name="GapDays">Rows dropped between the training and validation sets, so no training label sees a validation day.</param>
internal sealed record LabelInfo(string Definition, int HorizonDays, int GapDays);

internal sealed record TrainerInfo(string Name, string Library, IReadOnlyDictionary<string, string> Parameters);

/// <param name="Ic">Pearson correlation of predictions and labels on the validation rows.</param>
/// <param name="RankIc">Spearman rank correlation on the validation rows.</param>
/// <param name="Rmse">Root mean squared error on the validation rows.</param>
/// <param name="TrainRows">Rows the model was fitted on.</param>
/// <param name="ValidationRows">Rows it was validated on.</param>
internal sealed record ValidationMetrics(double Ic, double RankIc, double Rmse, int TrainRows, int ValidationRows);

/// <param name="Rule">How a prediction becomes a signal, in words.</param>
/// <param name="Scale">The divisor in that rule: the standard deviation of the model's predictions on its training rows.</param>
internal sealed record SignalRule(string Rule, double Scale)
{
    public const string TanhRule = "signal = tanh(prediction / scale), scale = standard deviation of the model's in-sample predictions";

    /// <summary>
    /// The smallest scale the trainer writes, as a share of the trees' output span. The scale is the spread of the
    /// model's own in-sample predictions, so it can never exceed half the span; far below it, nearly every prediction
    /// would saturate the signal at +-1. The trainer refuses to write such a model and the loader refuses to serve one.
    /// </summary>
    public const double MinShareOfSpan = 1e-4;

    public double Apply(double prediction) => Math.Tanh(prediction / Scale);

    /// <summary>Why <paramref name="scale"/> is not one the trainer can produce for trees spanning <paramref name="outputSpan"/>; null when it is.</summary>
    public static string? OutOfRange(double scale, double outputSpan)
    {
        var (low, high) = (outputSpan * MinShareOfSpan, outputSpan / 2);
        return scale >= low && scale <= high
            ? null
            : $"signal.scale {scale:G4} is outside what its trees can produce ({low:G4}..{high:G4}: the spread of predictions of trees whose output spans {outputSpan:G4})";
    }
}

/// <param name="Edges">Inner bucket edges (deciles of the training values): bucket i holds edges[i-1] &lt; x &lt;= edges[i].</param>
/// <param name="Proportions">Share of training rows in each bucket.</param>
/// <param name="Mean">Mean of the training values.</param>
/// <param name="Std">Standard deviation of the training values.</param>
internal sealed record FeatureReference(IReadOnlyList<double> Edges, IReadOnlyList<double> Proportions, double Mean, double Std);
