using AlphaHost.Host.Configuration;
using AlphaHost.Host.Cycle;
using AlphaHost.Host.Families;

namespace AlphaHost.Host.Backtest;

/// <summary>
/// The families' turns in a replay: each family in process, one after the other, through the daemon's
/// <see cref="FamilyCall"/> and <see cref="SignalFilter.Clip"/>. Unlike the daemon's turns (<see cref="SupervisedTurns"/>)
/// a replay waits for every family, so its result does not depend on the machine's load, and quarantines none: a family
/// that throws contributes nothing that day, and the exception is recorded in its run.
/// </summary>
/// <param name="families">The families, in the order of the outcomes.</param>
/// <param name="runs">Each family's run, where its exceptions are recorded.</param>
/// <param name="cancellationToken">Cancels the replay (and the family computing when it comes).</param>
internal sealed class ReplayTurns(IReadOnlyList<ReplayFamily> families, IReadOnlyList<BacktestRun> runs, CancellationToken cancellationToken) : IFamilyTurns
{
    public async Task<IReadOnlyList<FamilyOutcome>> RunAsync(CycleInput input, AlphaHostConfig config)
    {
        var outcomes = new FamilyOutcome[families.Count];
        for (var f = 0; f < families.Count; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            outcomes[f] = await TurnAsync(families[f], input, runs[f], config).ConfigureAwait(false);
        }

        return outcomes;
    }

    private async Task<FamilyOutcome> TurnAsync(ReplayFamily family, CycleInput input, BacktestRun run, AlphaHostConfig config)
    {
        var weight = config.Family(family.Name).Weight;
        try
        {
            var result = await FamilyCall.ComputeAsync(family.Family, input.Snapshot, input.Symbols, cancellationToken).ConfigureAwait(false);
            return new FamilyOutcome(family.Slot, OutcomeKind.Ok, SignalFilter.Clip(result.Signals), weight, result.Health);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = $"{input.Snapshot.Date:yyyy-MM-dd}: {ex.GetType().Name}: {ex.Message}";
            run.Exceptions.Add(error);
            return new FamilyOutcome(family.Slot, OutcomeKind.Failed, ComputeResult.NoSignals, weight, InProcessEndpoint.ReadHealth(family.Family), error);
        }
    }
}
