using System.CommandLine;
using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Cli;

/// <summary>Options shared by several commands, and how they resolve.</summary>
internal static class CommonOptions
{
    public const string DefaultConfig = "configs/golden_config.yaml";

    public static Option<string> Config() => new("--config")
    {
        Description = $"The configuration file (default: {DefaultConfig} in the working directory, else beside the executable)",
    };

    /// <summary>The config path: the given one, else the working directory's, else the one shipped beside the executable.</summary>
    public static string ResolveConfigPath(string? given)
    {
        if (!string.IsNullOrEmpty(given))
        {
            return Path.GetFullPath(given);
        }

        var local = Path.GetFullPath(DefaultConfig);
        return File.Exists(local) ? local : Path.Combine(AppContext.BaseDirectory, DefaultConfig);
    }

    /// <summary>Loads the config, or prints the one-line reason and returns null.</summary>
    public static AlphaHostConfig? LoadConfig(string? given)
    {
        try
        {
            return ConfigLoader.Load(ResolveConfigPath(given));
        }
        catch (ConfigException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return null;
        }
    }
}
