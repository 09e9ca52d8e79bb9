using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
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

    /// <summary>The <c>--config</c> of a command that acts on a running daemon (<see cref="OperatorConfig.ResolvePath"/>).</summary>
    public static Option<string> DaemonConfig() => new("--config")
    {
        Description = $"The configuration file (default: {DefaultConfig} in the working directory, else the one running daemon's; several or none is an error)",
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
            return LoadConfigOrThrow(given);
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return null;
        }
    }

    public static Option<string?> Data() => new("--data") { Description = "A bar folder (equities/, benchmark_SPY.csv, universe.csv) instead of the config's market" };

    public static Option<string?> Date(string name, string description) => new(name) { Description = $"{description}; yyyy-MM-dd" };

    public static Option<bool> Json() => new("--json") { Description = "Machine-readable JSON on stdout" };

    /// <summary>How commands print JSON: indented, snake_case keys, dates as ISO strings.</summary>
    public static System.Text.Json.JsonSerializerOptions JsonOutput { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>An optional whole-number option; a bad value reads <c>--cycles 'abc' is not a whole number</c>, not a .NET type name.</summary>
    public static Option<T?> Whole<T>(string name, string description)
        where T : struct, IBinaryInteger<T> =>
        new(name) { Description = description, CustomParser = result => ParseNumber<T>(name, result, NumberStyles.Integer, "a whole number") };

    /// <summary>A number option with a default; a bad value reads <c>--cost-bp 'x' is not a number</c>.</summary>
    public static Option<double> Number(string name, string description, double defaultValue) =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => ParseNumber<double>(name, result, NumberStyles.Float, "a number") ?? defaultValue,
        };

    public static Option<string?> Family() => new("--family") { Description = "The family instance to use when several can (families.<instance>; default: the only family that can, its own instance)" };

    /// <summary>The config, or a <see cref="UsageException"/> naming the file, line and key.</summary>
    public static AlphaHostConfig LoadConfigOrThrow(string? given)
    {
        try
        {
            var config = ConfigLoader.Load(ResolveConfigPath(given));
            if (FamilyInstances.Declared(config)
                && FamilyInstances.Check(config, Plugins.PluginManifest.ReadAll(RuntimePaths.From(config).PluginsDir, config.Plugins)) is { } broken)
            {
                throw broken;
            }

            return config;
        }
        catch (ConfigException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    /// <summary>Parses <c>--start</c>/<c>--end</c>; a start after the end is bad input.</summary>
    public static (DateOnly? Start, DateOnly? End) Period(string? start, string? end)
    {
        var from = ParseDate("--start", start);
        var to = ParseDate("--end", end);
        return from > to ? throw new UsageException($"--start {start} is after --end {end}") : (from, to);
    }

    /// <summary>Runs a command body: bad usage or input, and a file or folder that cannot be read or written, print one line on stderr and exit 2 (a failed check: 1), without a stack trace.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (CheckFailedException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.CheckFailed;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("error: cancelled");
            return ExitCodes.BadInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A path that cannot be read or written (a wrong --out, a read-only or full disk) is the operator's to fix:
            // one line naming it, as for any other bad input. The message of these exceptions names the path.
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
    }

    private static T? ParseNumber<T>(string option, ArgumentResult result, NumberStyles styles, string kind)
        where T : struct, INumber<T>
    {
        if (result.Tokens is not [var token])
        {
            return null;
        }

        if (T.TryParse(token.Value, styles, CultureInfo.InvariantCulture, out var value) && T.IsFinite(value))
        {
            return value;
        }

        result.AddError($"{option} '{token.Value}' is not {kind}");
        return null;
    }

    /// <summary>A <c>yyyy-MM-dd</c> option value; anything else is bad usage naming the option.</summary>
    public static DateOnly? ParseDate(string option, string? text) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
        : throw new UsageException($"{option} '{text}' is not a date (yyyy-MM-dd)");
}
