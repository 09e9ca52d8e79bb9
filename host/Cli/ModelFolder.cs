namespace AlphaHost.Host.Cli;

/// <summary>
/// A model folder named on the command line: a path, or a bare folder name inside the family's models folder (the family
/// itself judges whether it is a model). Nothing that climbs out with "..".
/// </summary>
internal static class ModelFolder
{
    public static string Resolve(string given, string modelsDirectory)
    {
        if (given.Split('/', '\\').Any(part => part == ".."))
        {
            throw new UsageException($"'{given}': a model folder may not contain '..'");
        }

        var path = given.Contains('/') || given.Contains('\\') ? Path.GetFullPath(given) : Path.Combine(modelsDirectory, given);
        return Directory.Exists(path) ? path : throw new UsageException($"{path}: model folder not found");
    }
}
