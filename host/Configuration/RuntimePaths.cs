namespace AlphaHost.Host.Configuration;

/// <summary>
/// The folders the daemon reads plugins from and writes to, as full paths. Relative paths in the config are taken from
/// the config file's folder, so every command given the same config finds the same folders wherever it is run from.
/// </summary>
internal sealed record RuntimePaths(string PluginsDir, string RuntimeDir)
{
    public string LogsDir => Path.Combine(RuntimeDir, "logs");

    public string SignalsDir => Path.Combine(RuntimeDir, "signals");

    public string StateDir => Path.Combine(RuntimeDir, "state");

    /// <summary>The market image the workers map (<see cref="Workers.MarketImage"/>).</summary>
    public string MarketDir => Path.Combine(RuntimeDir, "market");

    /// <summary>The learned combiner's state (<see cref="Combining.CombinerStateFile"/>).</summary>
    public string CombinerFile => Path.Combine(RuntimeDir, "combiner.json");

    public string LockFile => Path.Combine(RuntimeDir, ".lock");

    public string DaemonFile => Path.Combine(RuntimeDir, "daemon.json");

    public static RuntimePaths From(AlphaHostConfig config) => new(
        config.Host.PluginsDir.Length > 0 ? config.ResolvePath(config.Host.PluginsDir) : Path.Combine(AppContext.BaseDirectory, "plugins"),
        config.ResolvePath(config.Host.RuntimeDir));

    public void Create()
    {
        Directory.CreateDirectory(LogsDir);
        Directory.CreateDirectory(SignalsDir);
        Directory.CreateDirectory(StateDir);
    }
}
