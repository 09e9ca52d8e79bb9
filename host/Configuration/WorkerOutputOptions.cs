namespace AlphaHost.Host.Configuration;

/// <summary>
/// The <c>host.worker_output:</c> section: how much of a worker's standard output and error the host reads. A worker's
/// console output is kept only for its crash report; these bounds keep the host's memory flat whatever a family writes.
/// Read when a worker starts.
/// </summary>
internal sealed record WorkerOutputOptions
{
    /// <summary>A line longer than this many bytes is cut there (and marked as cut); the rest of it is dropped.</summary>
    /// <value>The default value is 1024.</value>
    public int LineBytes { get; init; } = 1024;

    /// <summary>Bytes of output a worker may write in one second; beyond it the output is dropped and counted, and the family is DEGRADED (<c>output_flood</c>).</summary>
    /// <value>The default value is 1048576 (1 MiB).</value>
    public int BytesPerSecond { get; init; } = 1 << 20;

    /// <summary>Consecutive seconds over the budget after which the worker is killed, its family quarantined and started again on the back-off.</summary>
    /// <value>The default value is 10.</value>
    public int FloodSeconds { get; init; } = 10;
}
