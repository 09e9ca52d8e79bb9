using System.Text.RegularExpressions;

namespace AlphaHost.Host.Cli;

/// <summary>A model folder named on the command line: a path, or a bare folder name inside the models folder. Nothing that climbs out with "..".</summary>
internal static partial class ModelFolder
{
    public static string Resolve(string given, string modelsDirectory)
    {
        if (given.Split('/', '\\').Any(part => part == ".."))
        {
            throw new UsageException($"'{given}': a model folder may not contain '..'");
        }

        var path = given.Contains('/') || given.Contains('\\')
            ? Path.GetFullPath(given)
            : NamePattern().IsMatch(given) ? Path.Combine(modelsDirectory, given) : throw new UsageException($"'{given}' is not a model folder name (SYMBOL_v1_yyyyMMdd_HHmmss or SYMBOL_v1_latest) nor a path");
        return Directory.Exists(path) ? path : throw new UsageException($"{path}: model folder not found");
    }

    [GeneratedRegex(@"^[A-Z0-9][A-Z0-9.\-]{0,14}_v\d+_(latest|\d{8}_\d{6}(_\d+)?)$")]
    private static partial Regex NamePattern();
}
