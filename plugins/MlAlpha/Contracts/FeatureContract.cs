using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AlphaHost.Plugins.MlAlpha.Internal;

namespace AlphaHost.Plugins.MlAlpha.Contracts;

/// <summary>
/// A feature contract (e.g. <c>contracts/feature_contract_ml_v1.json</c>): the ordered features a model is trained
/// and served on, their dtype and the history they need. Loading validates the file itself; <see cref="Hash"/>
/// identifies the contract's meaning (ordered names, dtype, definitions), so that a model trained on one contract
/// is never served features of another.
/// </summary>
internal sealed partial class FeatureContract
{
    public const string SupportedDtype = "float32";

    /// <summary>A contract is a page of feature definitions; a file larger than this is not one.</summary>
    private const int MaxFileBytes = 1 << 20;

    private FeatureContract(string name, string version, string dtype, int minHistoryBars, IReadOnlyList<FeatureDefinition> features)
    {
        Name = name;
        Version = version;
        Dtype = dtype;
        MinHistoryBars = minHistoryBars;
        Features = features;
        Names = features.Select(f => f.Name).ToArray();
        Hash = ComputeHash(dtype, features);
    }

    public string Name { get; }

    public string Version { get; }

    public string Dtype { get; }

    /// <summary>Bars of history a symbol needs before its first valid row.</summary>
    public int MinHistoryBars { get; }

    public IReadOnlyList<FeatureDefinition> Features { get; }

    /// <summary>Feature names in contract order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Lower-case hex SHA-256 of the dtype and the ordered names and definitions.</summary>
    public string Hash { get; }

    /// <summary>The contract file named <c>feature_contract_&lt;name&gt;.json</c> in <paramref name="directory"/>.</summary>
    public static FeatureContract LoadNamed(string directory, string name)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new FeatureContractException(name, "a contract name is lower case letters, digits and underscores");
        }

        return Load(Path.Combine(directory, $"feature_contract_{name}.json"));
    }

    public static FeatureContract Load(string path)
    {
        string json;
        try
        {
            json = Encoding.UTF8.GetString(SmallFile.Read(path, MaxFileBytes));
        }
        catch (InvalidDataException ex)
        {
            throw new FeatureContractException(path, $"cannot read the contract: {ex.Message[(path.Length + 2)..]}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FeatureContractException(path, $"cannot read the contract: {ex.Message}");
        }

        return Parse(path, json);
    }

    public static FeatureContract Parse(string source, string json)
    {
        ContractFile file;
        try
        {
            file = JsonSerializer.Deserialize<ContractFile>(json, JsonOptions)
                ?? throw new FeatureContractException(source, "the file is empty");
        }
        catch (JsonException ex)
        {
            throw new FeatureContractException(source, $"not a valid contract: {ex.Message}");
        }

        var name = Required(source, file.Name, "name");
        if (!NamePattern().IsMatch(name))
        {
            throw new FeatureContractException(source, $"name '{name}' is not lower case letters, digits and underscores");
        }

        var version = Required(source, file.Version, "version");
        var dtype = Required(source, file.Dtype, "dtype");
        if (dtype != SupportedDtype)
        {
            throw new FeatureContractException(source, $"unknown dtype '{dtype}' (expected {SupportedDtype})");
        }

        var features = file.Features ?? throw new FeatureContractException(source, "missing 'features'");
        if (features.Count == 0)
        {
            throw new FeatureContractException(source, "'features' is empty");
        }

        if (file.NFeatures is { } declared && declared != features.Count)
        {
            throw new FeatureContractException(source, $"n_features is {declared} but {features.Count} features are listed");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var definitions = new List<FeatureDefinition>(features.Count);
        for (var i = 0; i < features.Count; i++)
        {
            var feature = features[i] ?? throw new FeatureContractException(source, $"features[{i}] is null; expected {{name, window, definition}}");
            var featureName = Required(source, feature.Name, $"features[{i}].name");
            if (!NamePattern().IsMatch(featureName))
            {
                throw new FeatureContractException(source, $"features[{i}]: name '{featureName}' is not lower case letters, digits and underscores");
            }

            if (!seen.Add(featureName))
            {
                throw new FeatureContractException(source, $"duplicate feature '{featureName}' at features[{i}]");
            }

            if (feature.Window is not > 0)
            {
                throw new FeatureContractException(source, $"feature '{featureName}': window must be a positive number of bars");
            }

            definitions.Add(new FeatureDefinition(featureName, feature.Window.Value, Required(source, feature.Definition, $"feature '{featureName}': definition")));
        }

        var minHistory = file.MinHistoryBars ?? throw new FeatureContractException(source, "missing 'min_history_bars'");
        var longest = definitions.Max(f => f.Window);
        if (minHistory < longest)
        {
            throw new FeatureContractException(source, $"min_history_bars {minHistory} is shorter than the longest window ({longest})");
        }

        return new FeatureContract(name, version, dtype, minHistory, definitions);
    }

    private static string ComputeHash(string dtype, IReadOnlyList<FeatureDefinition> features)
    {
        var canonical = new StringBuilder().Append("dtype=").Append(dtype).Append('\n');
        foreach (var feature in features)
        {
            canonical.Append(feature.Name).Append('\t').Append(feature.Definition).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()))).ToLowerInvariant();
    }

    private static string Required(string source, string? value, string key) =>
        string.IsNullOrWhiteSpace(value) ? throw new FeatureContractException(source, $"missing '{key}'") : value;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
    };

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex NamePattern();

    private sealed record ContractFile(string? Name, string? Version, string? Dtype, int? NFeatures, int? MinHistoryBars, List<FeatureFile>? Features);

    private sealed record FeatureFile(string? Name, int? Window, string? Definition);
}
