using System.CommandLine;
using System.Text.Json;
using AlphaHost.Abstractions;

namespace AlphaHost.Host.Cli;

/// <summary>
/// <c>alphahost contract show [NAME]</c> prints a feature contract; <c>alphahost contract diff MODEL_DIR</c> shows a model's
/// features beside the contract (missing, extra, moved) and says <c>MATCH</c> (exit 0) or <c>MISMATCH</c> (exit 1);
/// <c>alphahost contract diff NAME OTHER</c> does the same for two contracts (e.g. <c>ml_v1 ml_v2</c>).
/// </summary>
internal static class ContractCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var family = CommonOptions.Family();
        var name = new Argument<string?>("name") { Description = "Contract name (default: the one the family serves)", Arity = ArgumentArity.ZeroOrOne };
        var show = new Command("show", "Print a feature contract: features in order, windows, definitions, hash") { name, config, json, family };
        show.SetAction((result, ct) => CommonOptions.RunAsync(() => ShowAsync(result.GetValue(config), result.GetValue(name), result.GetValue(json), result.GetValue(family), ct)));

        var modelDir = new Argument<string>("model_dir") { Description = "A model folder, its path or its name in the models folder (e.g. AAPL_v1_latest); or a contract name, with another after it" };
        var other = new Argument<string?>("other_contract") { Description = "With a contract name first: the contract to compare it with (e.g. ml_v1 ml_v2)", Arity = ArgumentArity.ZeroOrOne };
        var diff = new Command("diff", "Compare a model's features with the contract, or two contracts; exit 0 on MATCH, 1 on MISMATCH") { modelDir, other, config, json, family };
        diff.SetAction((result, ct) => CommonOptions.RunAsync(() => result.GetValue(other) is { } second
            ? DiffContractsAsync(result.GetValue(config), result.GetValue(modelDir)!, second, result.GetValue(json), result.GetValue(family), ct)
            : DiffAsync(result.GetValue(config), result.GetValue(modelDir)!, result.GetValue(json), result.GetValue(family), ct)));
        return new Command("contract", "Feature contracts") { show, diff };
    }

    private static async Task<int> ShowAsync(string? configPath, string? name, bool json, string? familyName, CancellationToken cancellationToken)
    {
        await using var session = await OfflineSession.OpenAsync(CommonOptions.LoadConfigOrThrow(configPath), cancellationToken, capability: typeof(IModelCatalog)).ConfigureAwait(false);
        var (_, catalog) = session.Capable<IModelCatalog>(familyName, "describe a contract");
        ContractDescription contract;
        try
        {
            contract = catalog.DescribeContract(name);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new UsageException(ex.Message);
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(contract, CommonOptions.JsonOutput));
            return ExitCodes.Success;
        }

        Console.WriteLine($"contract {contract.Name} {contract.Version}: {contract.Features.Count} features, {contract.Dtype}, min_history_bars {contract.MinHistoryBars}");
        Console.WriteLine($"sha256 {contract.Hash}");
        for (var i = 0; i < contract.Features.Count; i++)
        {
            var f = contract.Features[i];
            Console.WriteLine($"{i + 1,3} {f.Name,-22} window {f.Window,3}  {f.Definition}");
        }

        return ExitCodes.Success;
    }

    private static async Task<int> DiffAsync(string? configPath, string modelDir, bool json, string? familyName, CancellationToken cancellationToken)
    {
        await using var session = await OfflineSession.OpenAsync(CommonOptions.LoadConfigOrThrow(configPath), cancellationToken, capability: typeof(IModelCatalog)).ConfigureAwait(false);
        var (_, catalog) = session.Capable<IModelCatalog>(familyName, "compare models with a contract");
        var folder = ModelFolder.Resolve(modelDir, catalog.ModelsDirectory);
        FeatureComparison comparison;
        try
        {
            comparison = catalog.Compare(folder);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new UsageException($"{folder}: {ex.Message}");
        }

        return Print(comparison, folder, model: true, json);
    }

    /// <summary>Contract <paramref name="name"/>'s features beside <paramref name="otherName"/>'s, as a model's beside a contract.</summary>
    private static async Task<int> DiffContractsAsync(string? configPath, string name, string otherName, bool json, string? familyName, CancellationToken cancellationToken)
    {
        await using var session = await OfflineSession.OpenAsync(CommonOptions.LoadConfigOrThrow(configPath), cancellationToken, capability: typeof(IModelCatalog)).ConfigureAwait(false);
        var (_, catalog) = session.Capable<IModelCatalog>(familyName, "compare contracts");
        ContractDescription expected, declared;
        try
        {
            (expected, declared) = (catalog.DescribeContract(name), catalog.DescribeContract(otherName));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new UsageException(ex.Message);
        }

        var expectedNames = expected.Features.Select(f => f.Name).ToArray();
        var declaredNames = declared.Features.Select(f => f.Name).ToArray();
        var common = expectedNames.Intersect(declaredNames).ToArray();
        var declaredCommon = declaredNames.Where(common.Contains).ToArray();
        var comparison = new FeatureComparison($"{expected.Name} {expected.Version}", expectedNames, declaredNames, expectedNames.Except(declaredNames).ToArray(),
            declaredNames.Except(expectedNames).ToArray(), common.Where((f, i) => declaredCommon[i] != f).ToArray(), expected.Hash == declared.Hash);
        return Print(comparison, $"{declared.Name} {declared.Version}", model: false, json);
    }

    /// <summary>The comparison, side by side or as JSON; the exit code says MATCH or MISMATCH.</summary>
    /// <param name="comparison">The comparison.</param>
    /// <param name="other">The model folder, or the other contract's name and version.</param>
    /// <param name="model">Whether <paramref name="other"/> is a model folder.</param>
    /// <param name="json">JSON instead of the table.</param>
    private static int Print(FeatureComparison comparison, string other, bool model, bool json)
    {
        if (json)
        {
            var result = comparison.Match ? "MATCH" : "MISMATCH";
            Console.WriteLine(model
                ? JsonSerializer.Serialize(new { model_dir = other, result, comparison }, CommonOptions.JsonOutput)
                : JsonSerializer.Serialize(new { other_contract = other, result, comparison }, CommonOptions.JsonOutput));
            return comparison.Match ? ExitCodes.Success : ExitCodes.CheckFailed;
        }

        Console.WriteLine($"{"#",3} {"CONTRACT " + comparison.Contract,-30} {(model ? "MODEL " + Path.GetFileName(other) : "CONTRACT " + other)}");
        for (var i = 0; i < Math.Max(comparison.Expected.Count, comparison.Declared.Count); i++)
        {
            var expected = i < comparison.Expected.Count ? comparison.Expected[i] : "";
            var declared = i < comparison.Declared.Count ? comparison.Declared[i] : "";
            Console.WriteLine($"{i + 1,3} {expected,-30} {declared}{(expected == declared ? "" : "   <-- differs")}");
        }

        Console.WriteLine($"missing: {List(comparison.Missing)}");
        Console.WriteLine($"extra:   {List(comparison.Extra)}");
        Console.WriteLine($"moved:   {List(comparison.Moved)}");
        if (!comparison.HashMatches)
        {
            Console.WriteLine($"contract hash: differs ({(model ? "the model was trained on other feature definitions" : "other feature definitions")})");
        }

        Console.WriteLine(comparison.Match ? "MATCH" : "MISMATCH");
        return comparison.Match ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    private static string List(IReadOnlyList<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
}
