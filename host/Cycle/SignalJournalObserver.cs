using AlphaHost.Host.Configuration;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// Writes each close's combined signal to the signal journal and <c>latest.json</c> (<see cref="SignalWriter"/>). A write
/// that fails is logged and the cycle goes on; the status says so (<see cref="LastWriteFailed"/>).
/// </summary>
internal sealed class SignalJournalObserver(SignalWriter writer, RuntimePaths paths, ILogger<CycleService> logger) : ICycleObserver
{
    /// <summary>The last close's signals could not be written.</summary>
    public bool LastWriteFailed { get; private set; }

    public void OnCycle(CycleResult cycle)
    {
        try
        {
            writer.Write(cycle.Combined);
            LastWriteFailed = false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LastWriteFailed = true;
            logger.LogError("Cycle {Cycle}: signals could not be written to {SignalsDir}: {Error}", cycle.Snapshot.Cycle, paths.SignalsDir, ex.Message);
        }
    }
}
