namespace AlphaHost.Host.Workers;

/// <summary>A worker answered a request with an error, or died before answering.</summary>
internal sealed class WorkerFailedException(string message, bool exited = true) : Exception(message)
{
    /// <summary>Whether the worker is gone (false: it is alive and reported the error).</summary>
    public bool Exited { get; } = exited;

    /// <summary>The family refused its settings (FamilySettingsException).</summary>
    public bool IsSettingsError { get; init; }

    /// <summary>The family ran out of memory.</summary>
    public bool OutOfMemory { get; init; }
}

/// <summary>An exception a family logged inside its worker, carried into the host's log as text.</summary>
internal sealed class WorkerLoggedException(string text) : Exception(text.Split('\n')[0])
{
    public override string ToString() => text;
}
