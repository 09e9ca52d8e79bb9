using System.CommandLine;
using System.Text.Json;
using AlphaHost.Abstractions;

namespace AlphaHost.Host.Cli;

/// <summary>
/// <c>alphahost models validate [--dir D] [--json]</c>: one line per model folder (<c>OK</c> or what is wrong), a summary,
/// exit 1 when any model is bad. The runbook's "validate model metadata" step, without a script.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var dir = new Option<string?>("--dir") { Description = "Models folder (default: the family's models_dir, models/ml_alpha)" };
        var json = CommonOptions.Json();
        var family = CommonOptions.Family();
        var validate = new Command("validate", "Check every model's metadata, feature list, contract and file hash; exit 1 if any is bad") { config, dir, json, family };
        validate.SetAction((result, ct) => CommonOptions.RunAsync(() => ValidateAsync(result.GetValue(config), result.GetValue(dir), result.GetValue(json), result.GetValue(family), ct)));
        var models = new Command("models", "Inspect trained models, promote, roll back and prune them") { validate };
        foreach (var command in ModelSwitchCommands.Create())
        {
            models.Add(command);
        }

        return models;
    }

    private static async Task<int> ValidateAsync(string? configPath, string? dir, bool json, string? familyName, CancellationToken cancellationToken)
    {
        var config = CommonOptions.LoadConfigOrThrow(configPath);
        await using var session = await OfflineSession.OpenAsync(config, cancellationToken, capability: typeof(IModelCatalog)).ConfigureAwait(false);
        var (_, catalog) = session.Capable<IModelCatalog>(familyName, "validate models");
        var folder = dir is null ? catalog.ModelsDirectory : Path.GetFullPath(dir);
        IReadOnlyList<ModelCheck> checks;
        try
        {
            checks = catalog.Validate(folder);
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException(ex.Message);
        }

        var bad = checks.Count(c => !c.IsOk);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                models_dir = folder,
                total = checks.Count,
                ok = checks.Count - bad,
                bad,
                models = checks.Select(c => new { folder = c.Folder, status = c.Status, detail = c.Detail, training_data_period = c.TrainingPeriod?.ToString() }),
            }, CommonOptions.JsonOutput));
        }
        else
        {
            foreach (var check in checks)
            {
                Console.WriteLine($"{check.Status}: {check.Folder}: {check.Detail}");
            }

            Console.WriteLine(checks.Count == 0 ? $"no model folders in {folder}" : $"{checks.Count} checked in {folder}: {checks.Count - bad} OK, {bad} bad");
        }

        return bad > 0 || checks.Count == 0 ? ExitCodes.CheckFailed : ExitCodes.Success;
    }
}
