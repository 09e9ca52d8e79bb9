using System.Reflection;
using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Daemon;

/// <summary>The facts of a daemon run that do not change while it runs.</summary>
internal sealed record DaemonIdentity(int Pid, DateTimeOffset StartedAt, string Version, string Config, RuntimePaths Paths)
{
    public static DaemonIdentity Of(AlphaHostConfig config, RuntimePaths paths, TimeProvider clock) =>
        new(Environment.ProcessId, clock.GetUtcNow(), HostVersion, config.SourcePath, paths);

    /// <summary>The record written as soon as the lock is taken, before any cycle.</summary>
    public DaemonRecord Starting(AlphaHostConfig config) => new()
    {
        Status = Health.DaemonRunState.Starting,
        Pid = Pid,
        StartedAt = StartedAt,
        UpdatedAt = StartedAt,
        Version = Version,
        Config = Config,
        ConfigHash = config.ContentHash,
        RuntimeDir = Paths.RuntimeDir,
        PluginsDir = Paths.PluginsDir,
        CycleIntervalMs = config.Host.CycleInterval.TotalMilliseconds,
    };

    private static string HostVersion =>
        typeof(DaemonIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
