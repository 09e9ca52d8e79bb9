using AlphaHost.Host.Configuration;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Cycle;

/// <summary>Writes the shadow families' signals of each close (<see cref="ShadowJournal"/>); a failed write is logged and the cycle goes on.</summary>
internal sealed class ShadowJournalObserver(ShadowJournal shadows, RuntimePaths paths, ILogger<CycleService> logger) : ICycleObserver
{
    public void OnCycle(CycleResult cycle)
    {
        try
        {
            shadows.Write(cycle.Snapshot.Cycle, cycle.Snapshot.Date, cycle.Shadows);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError("Cycle {Cycle}: shadow signals could not be written to {SignalsDir}: {Error}", cycle.Snapshot.Cycle, paths.SignalsDir, ex.Message);
        }
    }
}
