namespace AlphaHost.Host.Logging;

/// <summary>
/// Whether the log files can be written: shared by the file sinks (which report into it) and the heartbeat (which
/// shows it). Thread-safe.
/// </summary>
internal sealed class LogFileHealth
{
    private readonly Dictionary<string, string> _faults = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The current faults, e.g. <c>live.jsonl: Access to the path is denied</c>; empty when all files are written.</summary>
    public IReadOnlyList<string> Faults
    {
        get
        {
            lock (_lock)
            {
                return _faults.Select(f => $"{f.Key}: {f.Value}").Order(StringComparer.Ordinal).ToArray();
            }
        }
    }

    public void Report(string file, string? fault)
    {
        lock (_lock)
        {
            if (fault is null)
            {
                _faults.Remove(file);
            }
            else
            {
                _faults[file] = fault;
            }
        }
    }
}
