using AlphaHost.Host.Configuration;
using AlphaHost.Host.Daemon;

namespace AlphaHost.Host.Cli;

/// <summary>
/// The config an operator command acts on. Without <c>--config</c>: the working directory's
/// <c>configs/golden_config.yaml</c>, else the config of the one daemon running on the machine (<see cref="DaemonRegistry"/>);
/// several daemons or none is a usage error that lists them. A config file that does not parse is not the end of an
/// emergency: when a running daemon serves it, the command falls back on the copy of the configuration that daemon has in
/// force (<see cref="ConfigStore.InForceFileName"/> in its runtime folder), and <see cref="ParseError"/> says why.
/// </summary>
/// <param name="Config">The configuration (the file's, or the daemon's in force when the file does not parse).</param>
/// <param name="ParseError">The file's error (<c>file:line:col: ...</c>) when it does not parse; null when it does.</param>
internal sealed record OperatorConfig(AlphaHostConfig Config, string? ParseError)
{
    public static OperatorConfig Load(string? given)
    {
        var path = ResolvePath(given, Environment.CurrentDirectory, () => DaemonRegistry.Running());
        try
        {
            ConfigLoader.Load(path);
        }
        catch (ConfigException ex) when (File.Exists(path))
        {
            return InForce(path, ex);
        }

        return new OperatorConfig(CommonOptions.LoadConfigOrThrow(path), null);
    }

    /// <param name="given">The <c>--config</c> value.</param>
    /// <param name="workingDirectory">Where the command runs.</param>
    /// <param name="running">The running daemons (asked only without <paramref name="given"/> or a config in <paramref name="workingDirectory"/>).</param>
    internal static string ResolvePath(string? given, string workingDirectory, Func<IReadOnlyList<DaemonEntry>> running)
    {
        if (!string.IsNullOrEmpty(given))
        {
            return Path.GetFullPath(given, workingDirectory);
        }

        var local = Path.GetFullPath(CommonOptions.DefaultConfig, workingDirectory);
        if (File.Exists(local))
        {
            return local;
        }

        var daemons = running();
        return daemons.Count == 1
            ? daemons[0].Config
            : throw new UsageException($"no --config given, no {CommonOptions.DefaultConfig} in {workingDirectory}, and " +
                (daemons.Count == 0
                    ? $"no daemon is running (registry: {DaemonRegistry.Where()}); give --config"
                    : $"{daemons.Count} daemons are running ({string.Join("; ", daemons.Select(d => $"pid {d.Pid}: --config {d.Config}"))}); give --config"));
    }

    /// <summary>The configuration in force of the running daemon that serves <paramref name="path"/>, which does not parse.</summary>
    private static OperatorConfig InForce(string path, ConfigException error)
    {
        var daemon = DaemonRegistry.Running().FirstOrDefault(d => DaemonLocator.SamePath(d.Config, path))
            ?? throw new UsageException($"{error.Message}; no running daemon serves it (registry: {DaemonRegistry.Where()}), so there is no configuration in force to act on: fix the file");
        var copy = Path.Combine(daemon.RuntimeDir, ConfigStore.InForceFileName);
        try
        {
            return new OperatorConfig(ConfigLoader.Parse(path, File.ReadAllText(copy)), error.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ConfigException)
        {
            throw new UsageException($"{error.Message}; the daemon serving it (pid {daemon.Pid}) has no readable copy of its configuration in force ({ex.Message})");
        }
    }
}
