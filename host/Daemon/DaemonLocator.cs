using AlphaHost.Host.Configuration;

namespace AlphaHost.Host.Daemon;

/// <summary>A daemon found on a runtime folder: it holds the lock; <see cref="Record"/> is its <c>daemon.json</c> (null when unreadable).</summary>
/// <param name="Paths">The runtime folder looked at.</param>
/// <param name="Record">The daemon's last record.</param>
internal sealed record RunningDaemon(RuntimePaths Paths, DaemonRecord? Record)
{
    public string PidText => Record?.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown";

    /// <summary>Whether it serves the config file at <paramref name="configPath"/> (symbolic links followed).</summary>
    public bool Serves(string configPath) => Record is not null && DaemonLocator.SamePath(Record.Config, configPath);
}

/// <summary>How commands find the daemon that owns a runtime folder: the lock says whether one runs, daemon.json says which.</summary>
internal static class DaemonLocator
{
    /// <summary>The daemon holding the lock of <paramref name="paths"/>, or null when none runs there.</summary>
    public static RunningDaemon? Find(RuntimePaths paths)
    {
        if (!RuntimeLock.IsHeld(paths))
        {
            return null;
        }

        var record = DaemonFile.TryRead(paths.DaemonFile);

        // A daemon that has just taken the lock may not have replaced the previous run's record yet.
        return new RunningDaemon(paths, record is { Status: not Health.DaemonRunState.Stopped } ? record : null);
    }

    /// <summary>One line naming the daemon that holds the lock of <paramref name="paths"/>, its pid and config.</summary>
    public static string DescribeHolder(RuntimePaths paths)
    {
        var daemon = Find(paths) ?? new RunningDaemon(paths, null);
        return $"the runtime folder {paths.RuntimeDir} is in use by another daemon (pid {daemon.PidText}" +
            (daemon.Record is null ? $", lock {paths.LockFile})" : $", config {daemon.Record.Config})");
    }

    /// <summary>Whether two paths name the same file: compared as full paths after following symbolic links.</summary>
    public static bool SamePath(string a, string b) => string.Equals(Canonical(a), Canonical(b), StringComparison.Ordinal);

    private static string Canonical(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            var target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true);
            return target is null ? full : Path.GetFullPath(target.FullName);
        }
        catch (IOException)
        {
            return full;
        }
    }
}
