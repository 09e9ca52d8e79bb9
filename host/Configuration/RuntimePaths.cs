namespace AlphaHost.Host.Configuration;

/// <summary>The folders the daemon reads plugins from and writes to. Relative paths are taken from the working directory.</summary>
internal sealed record RuntimePaths(string PluginsDir, string RuntimeDir)
{
    public string LogsDir => Path.Combine(RuntimeDir, "logs");

    public string SignalsDir => Path.Combine(RuntimeDir, "signals");

    public string StateDir => Path.Combine(RuntimeDir, "state");

    public static RuntimePaths From(HostOptions host) => new(
        Path.GetFullPath(host.PluginsDir.Length > 0 ? host.PluginsDir : Path.Combine(AppContext.BaseDirectory, "plugins")),
        Path.GetFullPath(host.RuntimeDir));

    public void Create()
    {
        Directory.CreateDirectory(LogsDir);
        Directory.CreateDirectory(SignalsDir);
        Directory.CreateDirectory(StateDir);
    }
}
