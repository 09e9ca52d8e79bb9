namespace AlphaHost.Host.Logging;

/// <summary>
/// Whether the log files can be written: shared by the file sinks (which report into it) and the heartbeat (which
/// shows it). Thread-safe.
/// </summary>
internal sealed class LogFileHealth
{
    private readonly Dictionary<string, string> _faults = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>The current faults by file name; empty when all files are written.</summary>
    public IReadOnlyList<LogFileFault> Faults
    {
        get
        {
            lock (_lock)
            {
                return _faults.Select(f => new LogFileFault(f.Key, f.Value)).OrderBy(f => f.File, StringComparer.Ordinal).ToArray();
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

/// <summary>A log file that cannot be written and why, e.g. <c>live.jsonl: Access to the path is denied</c>.</summary>
internal sealed record LogFileFault(string File, string Error)
{
    public override string ToString() => $"{File}: {Error}";
}
